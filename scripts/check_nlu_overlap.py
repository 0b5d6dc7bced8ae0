#!/usr/bin/env python3
"""Guard the NLU data against the two ways it silently goes bad.

1. Held-out examples leak into training (a copy, or a trivial variation), which makes the
   holdout accuracy gate meaningless.
2. Training examples pile up as near-duplicates, which inflates counts without teaching the
   model anything and hides how thin an intent really is.

It also checks every intent of the catalogue (docs/intents.md) has enough training and
holdout examples, and prints a per-intent summary. Plain Python (PyYAML, numpy), no Rasa
import, so it runs in about a second inside `make test`.

Usage: python scripts/check_nlu_overlap.py [--train data/nlu] [--holdout tests/nlu_holdout]
                                            [--catalogue docs/intents.md]
Exit status 0 when clean, 1 when any problem is found (each one is printed).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent

# Minimum examples per intent (docs/intents.md + brief): faq_* and TRAIN_HIGH_INTENTS need 30.
TRAIN_MIN_DEFAULT = 20
TRAIN_MIN_HIGH = 30
TRAIN_HIGH_INTENTS = {
    "check_eligibility",
    "request_mediation",
    "emergency",
    "affirm",
    "deny",
    "stop",
}
HOLDOUT_MIN_DEFAULT = 8
HOLDOUT_MIN_FAQ = 12

DIFFLIB_THRESHOLD = 0.92
# A single-word edit only counts as a near-duplicate when the shorter example has at least
# this many words ("no" vs "no thanks" are genuinely different replies).
WORD_EDIT_MIN_TOKENS = 3

# [text](entity) and [text]{"entity": ...}
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_CATALOGUE_LINE = re.compile(r"^- `([a-z_]+)`")


def plain_text(example: str) -> str:
    """Example text with Rasa entity markup removed."""
    return _ENTITY_MARKUP.sub(r"\1", example).strip()


def normalize(example: str) -> str:
    """Lowercase, drop punctuation, collapse whitespace."""
    text = _PUNCT.sub(" ", plain_text(example).lower()).replace("_", " ")
    return " ".join(text.split())


def load_examples(paths: list[Path]) -> dict[str, list[tuple[str, Path]]]:
    """intent -> [(example, file)] from Rasa 3.x YAML NLU files."""
    by_intent: dict[str, list[tuple[str, Path]]] = defaultdict(list)
    for path in paths:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in doc.get("nlu") or []:
            if "intent" not in block:
                continue  # synonym / regex / lookup blocks
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    by_intent[block["intent"]].append((line[2:].strip(), path))
    return by_intent


def yaml_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.yml")) + sorted(p for p in path.rglob("*.yaml"))


def catalogue_intents(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [
        m.group(1)
        for line in path.read_text(encoding="utf-8").splitlines()
        if (m := _CATALOGUE_LINE.match(line.strip()))
    ]


def _word_edit_keys(tokens: tuple[str, ...]):
    """(key, is_original) pairs such that two token tuples one word edit apart share a key.

    substitution: both give the tuple with the same position wildcarded ("sub" keys);
    insertion/deletion: the longer tuple minus one word equals the shorter tuple itself, so
    a "seq" key only counts when at least one side is the original (not two deletions).
    """
    yield ("seq", tokens), True
    for i in range(len(tokens)):
        yield ("sub", tokens[:i] + ("\0",) + tokens[i + 1 :]), True
        yield ("seq", tokens[:i] + tokens[i + 1 :]), False


def _one_word_apart(tokens: list[tuple[str, ...]]):
    """Index pairs whose token tuples are exactly one word edit apart (or identical)."""
    buckets: dict[tuple, dict[int, bool]] = defaultdict(dict)
    for i, toks in enumerate(tokens):
        for key, original in _word_edit_keys(toks):
            buckets[key][i] = buckets[key].get(i, False) or original
    for key, members in buckets.items():
        if len(members) < 2:
            continue
        idx = sorted(members)
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                i, j = idx[a], idx[b]
                if key[0] == "sub" or members[i] or members[j]:
                    yield i, j


def _char_counts(texts: list[str]) -> np.ndarray:
    """Per-text character histogram; min-sum of two rows bounds difflib's matching chars."""
    alphabet = {c: k for k, c in enumerate(sorted({c for t in texts for c in t}))}
    counts = np.zeros((len(texts), max(len(alphabet), 1)), dtype=np.int32)
    for row, text in enumerate(texts):
        for c in text:
            counts[row, alphabet[c]] += 1
    return counts


def _similar(a: str, b: str) -> float | None:
    """difflib ratio if above the threshold, else None."""
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return ratio if ratio > DIFFLIB_THRESHOLD else None


def _difflib_pairs(left: list[str], right: list[str], same: bool):
    """(i, j, ratio) with difflib ratio > threshold; `same` means left is right (i < j)."""
    counts = _char_counts(left + right)
    lc, rc = counts[: len(left)], counts[len(left) :]
    r_len = np.array([len(t) for t in right])
    for i, a in enumerate(left):
        la = len(a)
        total = la + r_len
        # cheap upper bounds: length, then character multiset intersection (quick_ratio)
        ok = 2.0 * np.minimum(la, r_len) / np.maximum(total, 1) > DIFFLIB_THRESHOLD
        if same:
            ok[: i + 1] = False
        cand = np.nonzero(ok)[0]
        if cand.size == 0:
            continue
        bound = 2.0 * np.minimum(lc[i], rc[cand]).sum(axis=1) / np.maximum(total[cand], 1)
        for j in cand[bound > DIFFLIB_THRESHOLD]:
            ratio = _similar(a, right[j])
            if ratio is not None:
                yield i, int(j), ratio


def near_duplicate_pairs(items: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """(i, j, reason) for near-duplicate pairs among (label, normalized text) items."""
    pairs: dict[tuple[int, int], str] = {}
    norms = [n for _, n in items]
    tokens = [tuple(n.split()) for n in norms]

    # 1. identical text, or identical token set (word order shuffled)
    seen: dict[object, int] = {}
    for i, toks in enumerate(tokens):
        for key, reason in ((norms[i], "identical"), (frozenset(toks), "same words")):
            if key in seen and (seen[key], i) not in pairs:
                pairs[(seen[key], i)] = reason
            seen.setdefault(key, i)

    # 2. one word inserted, deleted or replaced -- within the same intent only: across
    #    intents such minimal pairs ("is it free" / "is it recorded") are useful contrasts.
    for i, j in _one_word_apart(tokens):
        if items[i][0] == items[j][0] and min(len(tokens[i]), len(tokens[j])) >= WORD_EDIT_MIN_TOKENS:
            pairs.setdefault((min(i, j), max(i, j)), "one word apart")

    # 3. character-level similarity (difflib), after cheap upper bounds
    for i, j, ratio in _difflib_pairs(norms, norms, same=True):
        pairs.setdefault((i, j), f"difflib {ratio:.2f}")
    return [(i, j, r) for (i, j), r in sorted(pairs.items())]


def cross_near_duplicates(holdout: list[tuple[str, str]], train: list[tuple[str, str]]):
    """Holdout items that copy or trivially vary a training item."""
    found = []
    train_norm = {}
    for k, (_, n) in enumerate(train):
        train_norm.setdefault(n, k)
    train_sets = {}
    for k, (_, n) in enumerate(train):
        train_sets.setdefault(frozenset(n.split()), k)
    # one-word edits between a holdout item and a training item of the same intent
    combined = [tuple(n.split()) for _, n in train] + [tuple(n.split()) for _, n in holdout]
    one_word: dict[int, int] = {}
    nt = len(train)
    for i, j in _one_word_apart(combined):
        if i < nt <= j:
            h, k = j - nt, i
        elif j < nt <= i:
            h, k = i - nt, j
        else:
            continue
        if holdout[h][0] == train[k][0] and min(len(combined[i]), len(combined[j])) >= WORD_EDIT_MIN_TOKENS:
            one_word.setdefault(h, k)
    close = {}
    for h, k, _ in _difflib_pairs([n for _, n in holdout], [n for _, n in train], same=False):
        close.setdefault(h, k)

    for h, (_, n) in enumerate(holdout):
        toks = tuple(n.split())
        if n in train_norm:
            found.append((h, train_norm[n], "identical after normalization"))
        elif frozenset(toks) in train_sets:
            found.append((h, train_sets[frozenset(toks)], "same words"))
        elif h in one_word:
            found.append((h, one_word[h], "one word apart"))
        elif h in close:
            found.append((h, close[h], "difflib > %.2f" % DIFFLIB_THRESHOLD))
    return found


def flatten(by_intent):
    return [(intent, ex) for intent, exs in by_intent.items() for ex, _ in exs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--holdout", type=Path, default=ROOT / "tests" / "nlu_holdout")
    parser.add_argument("--catalogue", type=Path, default=ROOT / "docs" / "intents.md")
    args = parser.parse_args(argv)

    train = load_examples(yaml_files(args.train))
    holdout = load_examples(yaml_files(args.holdout))
    problems: list[str] = []

    train_items = [(intent, normalize(ex)) for intent, ex in flatten(train)]
    train_raw = [ex for _, ex in flatten(train)]
    hold_items = [(intent, normalize(ex)) for intent, ex in flatten(holdout)]
    hold_raw = [ex for _, ex in flatten(holdout)]

    for i, j, reason in near_duplicate_pairs(train_items):
        problems.append(
            f"training near-duplicate ({reason}): "
            f"[{train_items[i][0]}] {train_raw[i]!r} ~ [{train_items[j][0]}] {train_raw[j]!r}"
        )
    for i, j, reason in near_duplicate_pairs(hold_items):
        problems.append(
            f"holdout near-duplicate ({reason}): "
            f"[{hold_items[i][0]}] {hold_raw[i]!r} ~ [{hold_items[j][0]}] {hold_raw[j]!r}"
        )
    for h, k, reason in cross_near_duplicates(hold_items, train_items):
        problems.append(
            f"holdout leaks training ({reason}): "
            f"[{hold_items[h][0]}] {hold_raw[h]!r} ~ [{train_items[k][0]}] {train_raw[k]!r}"
        )

    catalogue = catalogue_intents(args.catalogue)
    intents = sorted(set(catalogue) | set(train) | set(holdout))
    for intent in intents:
        if catalogue and intent not in catalogue:
            problems.append(f"intent {intent!r} has data but is not in {args.catalogue.name}")
        need_train = (
            TRAIN_MIN_HIGH if (intent.startswith("faq_") or intent in TRAIN_HIGH_INTENTS) else TRAIN_MIN_DEFAULT
        )
        need_hold = HOLDOUT_MIN_FAQ if intent.startswith("faq_") else HOLDOUT_MIN_DEFAULT
        if len(train.get(intent, [])) < need_train:
            problems.append(f"intent {intent!r}: {len(train.get(intent, []))} training examples, need {need_train}")
        if len(holdout.get(intent, [])) < need_hold:
            problems.append(f"intent {intent!r}: {len(holdout.get(intent, []))} holdout examples, need {need_hold}")

    width = max((len(i) for i in intents), default=6)
    print(f"{'intent':<{width}}  train  holdout")
    for intent in intents:
        print(f"{intent:<{width}}  {len(train.get(intent, [])):>5}  {len(holdout.get(intent, [])):>7}")
    print(f"{'TOTAL':<{width}}  {len(train_items):>5}  {len(hold_items):>7}   ({len(intents)} intents)")

    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print("  - " + p, file=sys.stderr)
        return 1
    print("OK: no holdout leakage, no near-duplicates, every intent has enough examples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
