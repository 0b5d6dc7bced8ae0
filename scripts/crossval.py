#!/usr/bin/env python3
"""Cross-validate our NLU pipeline (spaCy) against the same pipeline with a plain WhitespaceTokenizer.

Why: the project uses, in config.yml, the local spaCy pipeline only if cross-validation shows it is at least as
good as whitespace tokenisation. The two configs differ ONLY in tokenisation: the whitespace variant is
config.yml with `SpacyNLP` + `SpacyTokenizer` replaced by `WhitespaceTokenizer` and any other spaCy-only
component dropped; featurizers, DIET settings, seeds, fallback and our `SafetyIntentOverride` are identical.
So a difference in intent macro-F1 is the tokenizer's doing.

Usage (`make crossval`):
    python scripts/crossval.py [--folds 3] [--only spacy|whitespace] [--json var/crossval/latest.json]

Runs `rasa test nlu --nlu data/nlu --cross-validation --folds N --config <cfg> --out <tmp>` per pipeline, reads
`intent_report.json` (accumulated over the test folds) and prints intent macro-F1, weighted F1 and accuracy.
Results (merged with earlier results of the other pipeline when --only is used) go to var/crossval/latest.json.
Each fold trains the NLU pipeline from scratch: about 3 minutes for both pipelines with today's Linear SVM, about
13 minutes when DIET classified intents (3 folds, shared 2-core machine). Fold split is seeded (--seed), so both
pipelines see the same folds and the script can report a paired (McNemar) comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = ROOT / "config.yml"
NLU_DATA = ROOT / "data" / "nlu"
DEFAULT_JSON = ROOT / "var" / "crossval" / "latest.json"
PIPELINES = ("spacy", "whitespace")

# Rasa's fold split (StratifiedKFold(shuffle=True), no random_state) draws from numpy's global RNG. Seeding it
# before Rasa starts gives both pipelines the SAME folds (a paired comparison) and makes re-runs reproducible.
SEEDED_RASA = "import sys, numpy; numpy.random.seed(int(sys.argv.pop(1))); from rasa.__main__ import main; main()"

# Components that need a spaCy Doc on the message; they go when spaCy goes.
SPACY_ONLY = {"SpacyNLP", "SpacyTokenizer", "SpacyFeaturizer", "SpacyEntityExtractor"}


def whitespace_config(config: dict) -> dict:
    """config.yml with spaCy tokenisation swapped for WhitespaceTokenizer; everything else untouched."""
    pipeline, swapped = [], False
    for component in config.get("pipeline") or []:
        name = component.get("name")
        if name in SPACY_ONLY:
            if name == "SpacyTokenizer" and not swapped:
                pipeline.append({"name": "WhitespaceTokenizer"})
                swapped = True
            continue
        pipeline.append(dict(component))
    if not swapped:
        raise SystemExit("config.yml has no SpacyTokenizer to replace; nothing to compare.")
    return dict(config, pipeline=pipeline)


def read_report(out: Path) -> dict:
    report_file = out / "intent_report.json"
    if not report_file.exists():
        raise RuntimeError(f"No intent report in {out}; see the log next to it.")
    report = json.loads(report_file.read_text())
    labels = {
        k: v
        for k, v in report.items()
        if isinstance(v, dict) and "support" in v and k not in {"macro avg", "weighted avg", "micro avg"}
    }
    support = sum(v["support"] for v in labels.values())
    if "accuracy" in report:
        accuracy = report["accuracy"]
    else:  # sklearn reports "micro avg" instead when predictions include a label absent from the targets
        accuracy = report["micro avg"]["f1-score"]
    entities = {}
    for entity_report in sorted(out.glob("*Extractor_report.json")) + sorted(out.glob("DIETClassifier_report.json")):
        rep = json.loads(entity_report.read_text())
        # token-level (Rasa's entity evaluation): supports differ between tokenizers, so compare with care
        entities[entity_report.name.replace("_report.json", "")] = {
            k: {"f1": round(v["f1-score"], 3), "support_tokens": v["support"]}
            for k, v in rep.items()
            if isinstance(v, dict) and "f1-score" in v and k != "weighted avg"
        }
    worst = sorted(((v["f1-score"], k) for k, v in labels.items() if v["support"]), key=lambda t: t[0])[:5]
    return {
        "intent_macro_f1": round(report["macro avg"]["f1-score"], 4),
        "intent_weighted_f1": round(report["weighted avg"]["f1-score"], 4),
        "intent_accuracy": round(accuracy, 4),
        "examples": int(support),
        "intents": len(labels),
        "weakest_intents": [{"intent": k, "f1": round(f, 3)} for f, k in worst],
        "entities": entities,
    }


def data_digest(path: Path) -> str:
    """A short fingerprint of the NLU data, so figures can be matched to the data they came from."""
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*.yml")) if path.is_dir() else [path]:
        digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()[:12]


def error_keys(out: Path) -> set[tuple[str, str]]:
    errors = out / "intent_errors.json"
    return {(e["text"], e["intent"]) for e in json.loads(errors.read_text())} if errors.exists() else set()


def paired_comparison(spacy_out: Path, whitespace_out: Path) -> dict:
    """McNemar's exact test on the examples exactly one pipeline got wrong (valid because the folds are the same)."""
    spacy_wrong, whitespace_wrong = error_keys(spacy_out), error_keys(whitespace_out)
    only_spacy, only_whitespace = len(spacy_wrong - whitespace_wrong), len(whitespace_wrong - spacy_wrong)
    n, k = only_spacy + only_whitespace, min(only_spacy, only_whitespace)
    p = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n) if n else 1.0
    return {
        "only_spacy_wrong": only_spacy,
        "only_whitespace_wrong": only_whitespace,
        "both_wrong": len(spacy_wrong & whitespace_wrong),
        "mcnemar_exact_p": round(p, 4),
    }


def run_pipeline(
    name: str, config_path: Path, folds: int, out: Path, log: Path, nlu: Path, seed: int
) -> tuple[dict, float, list[str]]:
    nlu_arg = str(nlu.resolve().relative_to(ROOT)) if nlu.resolve().is_relative_to(ROOT) else str(nlu.resolve())
    cmd = [
        "rasa",
        "test",
        "nlu",
        "--nlu",
        nlu_arg,
        "--cross-validation",
        "--folds",
        str(folds),
        "--config",
        str(config_path),
        "--out",
        str(out),
        "--no-plot",
    ]
    argv = [sys.executable, "-c", SEEDED_RASA, str(seed), *cmd[1:]]  # = `rasa ...` with seeded folds
    env = dict(
        os.environ,
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONHASHSEED="0",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    print(f"[{name}] {' '.join(cmd)}  (numpy seed {seed})", flush=True)
    started = time.monotonic()
    with log.open("w") as fh:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = proc.wait()
        finally:
            if proc.poll() is None:  # interrupted: stop the whole rasa process group we started
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
    seconds = time.monotonic() - started
    if code != 0:
        raise RuntimeError(
            f"[{name}] rasa test nlu failed ({code}); last lines of {log}:\n{log.read_text(errors='replace')[-3000:]}"
        )
    return read_report(out), seconds, cmd


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=3, help="cross-validation folds (default 3)")
    parser.add_argument("--only", choices=PIPELINES, help="run one pipeline only")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"results file (default {DEFAULT_JSON})")
    parser.add_argument("--seed", type=int, default=2024, help="numpy seed for the fold split (default 2024)")
    parser.add_argument(
        "--nlu",
        type=Path,
        default=NLU_DATA,
        help="NLU data (default data/nlu; a small file is handy to try the script out)",
    )
    parser.add_argument("--keep-tmp", action="store_true", help="keep the output folders (reports, errors, logs)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)

    config_text = CONFIG.read_text()  # read once: both pipelines use this snapshot even if config.yml changes
    config = yaml.safe_load(config_text)
    spacy_model = next((c.get("model") for c in config.get("pipeline", []) if c.get("name") == "SpacyNLP"), None)
    if spacy_model and not (ROOT / spacy_model / "meta.json").exists() and args.only != "whitespace":
        print(f"No spaCy pipeline at {spacy_model}; run `make spacy` first.", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="crossval-"))
    # spaCy: config.yml as it is now. Whitespace: a copy that differs only in the tokenizer (policies kept too;
    # cross-validation trains the NLU part only).
    configs = {"spacy": tmp / "config-spacy.yml", "whitespace": tmp / "config-whitespace.yml"}
    configs["spacy"].write_text(config_text)  # relative paths in it (the spaCy model) resolve from ROOT, the cwd
    configs["whitespace"].write_text(yaml.safe_dump(whitespace_config(config), sort_keys=False))
    selected = [args.only] if args.only else list(PIPELINES)

    previous = json.loads(args.json.read_text()) if args.json.exists() else {}
    results = {"pipelines": dict(previous.get("pipelines", {})), "paired": previous.get("paired")}
    keep = args.keep_tmp
    print(f"Working folder: {tmp}; load average {[round(x, 2) for x in os.getloadavg()]}", flush=True)
    try:
        for name in selected:
            out = tmp / f"out-{name}"
            report, seconds, cmd = run_pipeline(
                name, configs[name], args.folds, out, tmp / f"{name}.log", args.nlu, args.seed
            )
            shown_cmd = list(cmd)
            shown_cmd[shown_cmd.index("--config") + 1] = (
                "config.yml" if name == "spacy" else "<config.yml with WhitespaceTokenizer>"
            )
            shown_cmd[shown_cmd.index("--out") + 1] = "<tmp>"
            results["pipelines"][name] = dict(
                report,
                folds=args.folds,
                fold_seed=args.seed,
                nlu_data=shown_cmd[shown_cmd.index("--nlu") + 1],
                config_sha256=hashlib.sha256(config_text.encode()).hexdigest()[:12],
                nlu_data_sha256=data_digest(args.nlu),
                seconds=round(seconds),
                command=" ".join(shown_cmd),
                date=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                nproc=os.cpu_count(),
                loadavg_at_end=[round(x, 2) for x in os.getloadavg()],
                pipeline=[c["name"] for c in yaml.safe_load(configs[name].read_text())["pipeline"]],
            )
            print(
                f"[{name}] macro-F1 {report['intent_macro_f1']:.4f}  accuracy {report['intent_accuracy']:.4f}  "
                f"({report['examples']} examples, {report['intents']} intents, {seconds / 60:.1f} min)",
                flush=True,
            )
        if len(selected) == 2:
            results["paired"] = paired_comparison(tmp / "out-spacy", tmp / "out-whitespace")
        else:
            results.pop("paired", None)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except BaseException:
        keep = True
        raise
    finally:
        if keep:
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    pipelines = results["pipelines"]
    print()
    print(f"{'pipeline':<12}{'folds':>6}{'macro-F1':>10}{'weighted-F1':>13}{'accuracy':>10}")
    for name in PIPELINES:
        if name in pipelines:
            p = pipelines[name]
            print(
                f"{name:<12}{p['folds']:>6}{p['intent_macro_f1']:>10.4f}{p['intent_weighted_f1']:>13.4f}"
                f"{p['intent_accuracy']:>10.4f}"
            )
    if all(name in pipelines for name in PIPELINES):
        same = ("folds", "nlu_data_sha256", "fold_seed", "config_sha256")
        if any(pipelines["spacy"].get(k) != pipelines["whitespace"].get(k) for k in same):
            print("note: the two pipelines were run with different folds, data or config; re-run both to compare.")
        diff = pipelines["spacy"]["intent_macro_f1"] - pipelines["whitespace"]["intent_macro_f1"]
        results["spacy_minus_whitespace_macro_f1"] = round(diff, 4)
        paired = results.get("paired")
        significant = paired is not None and paired["mcnemar_exact_p"] < 0.05
        if diff >= 0:
            verdict = "spaCy is at least as good"
        elif paired is not None and not significant:
            verdict = "whitespace slightly higher, within noise"
        else:
            verdict = "whitespace scores higher"
        print(f"spaCy - whitespace macro-F1: {diff:+.4f} ({verdict})")
        if paired:
            print(
                f"paired (same folds): only spaCy wrong {paired['only_spacy_wrong']}, only whitespace wrong "
                f"{paired['only_whitespace_wrong']}, McNemar exact p = {paired['mcnemar_exact_p']}"
                + (" (significant)" if significant else " (not a significant difference)")
            )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
