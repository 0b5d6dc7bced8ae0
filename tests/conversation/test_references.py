"""Reference codes: format, unguessability (no sequence, no collisions in practice), tolerant parsing."""

from __future__ import annotations

import re

import pytest

from bot.conversation.references import ALPHABET, find_reference, new_reference, normalize_reference


def test_format_and_alphabet():
    for _ in range(1000):
        ref = new_reference()
        assert re.fullmatch(r"MR-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}", ref), ref


def test_no_confusable_characters_in_alphabet():
    assert not set("01ILOU") & set(ALPHABET)
    assert len(ALPHABET) == 30


def test_codes_are_random_not_sequential():
    refs = [new_reference() for _ in range(2000)]
    # Every character of the alphabet shows up in every position (a counter or a bad RNG would not).
    for position in range(3, 9):
        assert {r[position] for r in refs} == set(ALPHABET)
    # Consecutive codes are unrelated: they rarely share a prefix.
    assert sum(a[:6] == b[:6] for a, b in zip(refs, refs[1:], strict=False)) < 5
    # (Uniqueness is enforced by the database; see test_reference_collision_is_retried.)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("MR-7K3Q9P", "MR-7K3Q9P"),
        ("mr-7k3q9p", "MR-7K3Q9P"),
        ("mr 7k3q9p", "MR-7K3Q9P"),
        (" MR7K3Q9P ", "MR-7K3Q9P"),
        ("mr—7k3-q9p", "MR-7K3Q9P"),
        ("7K3Q9P", "MR-7K3Q9P"),
        ("MR-7K3Q9", None),
        ("MR-7K3Q9PP", None),
        ("MR-OK3Q9P", None),  # O is not in the alphabet
        ("MR-1K3Q9P", None),
        ("hello", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_reference(text, expected):
    assert normalize_reference(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("what's the status of MR-7K3Q9P?", "MR-7K3Q9P"),
        ("status mr 7k3q9p please", "MR-7K3Q9P"),
        ("my code is mr-7k3-q9p.", "MR-7K3Q9P"),
        ("MR-7K3Q9PP", None),
        ("no code here", None),
    ],
)
def test_find_reference_in_a_sentence(text, expected):
    assert find_reference(text) == expected
