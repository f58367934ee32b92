"""The per-process memo in front of the shared cache: short-lived, bounded, forgettable."""

from lms import memo as memo_module
from lms.memo import LocalMemo


def test_an_entry_lives_for_its_seconds_and_no_longer(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(memo_module.time, "monotonic", lambda: now[0])
    memo = LocalMemo()
    memo.set("page", b"valid", 10)
    now[0] += 9.9
    assert memo.get("page") == b"valid"
    now[0] += 0.2
    assert memo.get("page") is None


def test_the_oldest_unused_entries_go_first_when_full():
    memo = LocalMemo(size=2)
    memo.set("a", 1, 60)
    memo.set("b", 2, 60)
    memo.get("a")
    memo.set("c", 3, 60)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (1, None, 3)


def test_a_change_is_forgotten_at_once_and_zero_seconds_keeps_nothing():
    memo = LocalMemo()
    memo.set("page", b"valid", 60)
    memo.discard("page", "other")
    assert memo.get("page") is None
    memo.set("page", b"valid", 0)
    assert memo.get("page") is None
