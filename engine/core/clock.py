"""The time the engine runs on, settable in tests.

SpiffWorkflow reads ``datetime.now(timezone.utc)`` inside its timer module and has
no clock hook, so that module's ``datetime`` is replaced, once, by a subclass whose
``now()`` asks this clock. In production the clock is the system time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

_lock = threading.Lock()
_fixed: datetime | None = None


def now() -> datetime:
    """The current time, aware, in UTC."""
    fixed = _fixed
    return fixed if fixed is not None else datetime.now(UTC)


@contextmanager
def frozen(at: datetime) -> Iterator[Clock]:
    """Run the block at ``at`` (aware); ``Clock.move_to``/``advance`` move it. Tests only."""
    global _fixed
    if at.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    with _lock:
        previous, _fixed = _fixed, at.astimezone(UTC)
    try:
        yield Clock()
    finally:
        with _lock:
            _fixed = previous


class Clock:
    def move_to(self, at: datetime) -> None:
        global _fixed
        _fixed = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self.move_to(now() + delta)


class _EngineDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        current = now()
        return current.astimezone(tz) if tz is not None else current.replace(tzinfo=None)


_spiff_timer.datetime = _EngineDatetime
