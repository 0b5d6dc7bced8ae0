"""The in-memory store of offered options: bounded, expiring, keyed by hashed sender."""

from __future__ import annotations

import pytest

from bot.rasa_plugins.sms.pending_options import PendingOptions
from bot.rasa_plugins.sms.text import Option

YES_NO = (Option(1, "Yes", "/affirm"), Option(2, "No", "/deny"))


class FakeClock:
    """A controllable clock (the store takes `clock=`; time itself is not under test)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    "elapsed, expected",
    [(0, YES_NO), (59.9, YES_NO), (60, ()), (3600, ())],
)
def test_options_expire(elapsed, expected):
    clock = FakeClock()
    store = PendingOptions(ttl_seconds=60, clock=clock)
    store.put("a", YES_NO)
    clock.now += elapsed
    assert store.get("a") == expected


def test_bounded_oldest_evicted_first():
    store = PendingOptions(max_entries=2)
    store.put("a", YES_NO)
    store.put("b", YES_NO)
    store.put("a", YES_NO)  # refresh: a becomes newest
    store.put("c", YES_NO)
    assert len(store) == 2
    assert store.get("b") == ()
    assert store.get("a") == YES_NO and store.get("c") == YES_NO


def test_empty_put_and_forget_clear():
    store = PendingOptions()
    store.put("a", YES_NO)
    store.put("a", ())
    assert store.get("a") == ()
    store.put("a", YES_NO)
    store.forget("a")
    assert store.get("a") == () and len(store) == 0


@pytest.mark.parametrize("reply, payload", [("2", "/deny"), ("yes", "/affirm"), ("3", None), ("hello", None)])
def test_pick(reply, payload):
    store = PendingOptions()
    store.put("a", YES_NO)
    picked = store.pick("a", reply)
    assert (picked.payload if picked else None) == payload
    assert store.pick("someone-else", reply) is None


def test_rejects_zero_capacity():
    with pytest.raises(ValueError):
        PendingOptions(max_entries=0)
