"""Helpers for the tests (not tests themselves): the real stack, fake servers, rendering, staff sign-in."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
