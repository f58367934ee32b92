"""
A small per-process memo with a short lifetime, in front of the shared cache.

Some public answers are read far more often than they change (a certificate's verification
page when its QR code is passed around). Even one Redis round trip costs a cached page a
third of its time on a 2-core machine (see tests/bench/), so a worker keeps the answers it
served in the last few seconds. The process that makes a change drops its own copy at once
(`discard`); the others keep theirs for at most the memo's lifetime, which is what the
setting that gives that lifetime promises.
"""

import threading
import time
from collections import OrderedDict

_ALL: list["LocalMemo"] = []


class LocalMemo:
    def __init__(self, size: int = 1024):
        self.size = size
        self._entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()  # gthread workers share a process
        _ALL.append(self)

    def get(self, key: str):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if expires <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key: str, value, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def discard(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def clear_all() -> None:
    """Forget every memo of this process (tests start from nothing)."""
    for memo in _ALL:
        memo.clear()
