"""A holiday change's calendar belongs to its command until the transaction commits.

Thread A adds a day off; its transaction is held open (then committed, or failed and
rolled back) while thread B serves requests on the same Runtime. B must keep the
committed calendar until A commits, and never see a holiday whose transaction rolled
back; A's own recomputation of pending deadlines must use A's calendar whatever B
refreshes meanwhile. Ordering is by threading.Event only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import pytest

from engine.core import clock
from engine.services.admin import holidays
from engine.services.inbox import instances, tasks
from engine.thai.workdays import BANGKOK
from tests.conftest import People
from tests.samples import COMPLAINT

WAIT = 60  # seconds: a safety net so a broken ordering fails instead of hanging
DAY_OFF = date(2026, 12, 9)
DUE_BEFORE = "2026-12-11T16:30:00+07:00"  # received Friday 4 Dec 2026: 8, 9 and 11 Dec
DUE_AFTER = "2026-12-14T16:30:00+07:00"  # with 9 Dec off: 8, 11 and 14 Dec


class Failed(Exception):
    """Thread A's command failing after its recomputation, so the transaction rolls back."""


class Worker(threading.Thread):
    """Runs one call on its own thread and keeps the result or the exception."""

    def __init__(self, call: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.call = call
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.call()
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            self.error = error

    def outcome(self) -> Any:
        self.join(WAIT)
        assert not self.is_alive(), "the thread did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def waited(event: threading.Event) -> None:
    assert event.wait(WAIT), "the other thread never got there"


@pytest.fixture
def frozen() -> Iterator[None]:
    with clock.frozen(datetime(2026, 12, 4, 10, 0, tzinfo=BANGKOK)):
        yield


def inbox(rt: Any, people: People) -> tuple[str, int]:
    """The first case's triage task as the inbox shows it: due at, working days left."""
    task = tasks.list_tasks(rt, people.legal_officer, "group", sort="created")["tasks"][0]
    return task["due_at"], task["working_days_left"]


class HeldChange:
    """Thread A adding DAY_OFF, held inside its transaction at ``recompute_deadlines``.

    ``before`` holds it before the recomputation, else after it; ``fail`` makes the
    command fail once released, so its transaction rolls back.
    """

    def __init__(self, rt: Any, people: People, monkeypatch: pytest.MonkeyPatch, *,
                 before: bool = False, fail: bool = False) -> None:
        self.held = threading.Event()
        self.release = threading.Event()
        original = holidays.recompute_deadlines

        def recompute(*args: Any) -> int:
            if before:
                self.hold()
            moved = original(*args)
            if not before:
                self.hold()
            if fail:
                raise Failed
            return moved

        monkeypatch.setattr(holidays, "recompute_deadlines", recompute)
        self.thread = Worker(lambda: holidays.add_holiday(
            rt, people.admin, DAY_OFF, "วันหยุดพิเศษ (ทดสอบ)", "มติ ครม. ทดสอบ"))

    def hold(self) -> None:
        self.held.set()
        waited(self.release)

    def __enter__(self) -> HeldChange:
        self.thread.start()
        waited(self.held)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release.set()
        self.thread.join(WAIT)


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize("outcome", ["commit", "rollback"])
def test_other_threads_see_a_holiday_only_once_committed(runtime, people, monkeypatch,
                                                          outcome):
    instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    committed = inbox(runtime, people)
    assert committed == (DUE_BEFORE, 3)
    change = HeldChange(runtime, people, monkeypatch, fail=outcome == "rollback")
    with change:
        # A has recomputed against its calendar and not committed: B sees the old one.
        reader = Worker(lambda: (inbox(runtime, people),
                                 runtime.calendar.is_working_day(DAY_OFF)))
        reader.start()
        assert reader.outcome() == (committed, True)
    if outcome == "rollback":
        with pytest.raises(Failed):
            change.thread.outcome()
        # Nothing of the rolled-back holiday, in the inbox or in a new case's deadline.
        assert inbox(runtime, people) == committed
        assert runtime.calendar.is_working_day(DAY_OFF)
        started = instances.start_instance(runtime, people.legal_officer, "complaint",
                                           COMPLAINT)
        assert started["tasks"][0]["due_at"] == DUE_BEFORE
    else:
        assert change.thread.outcome()["recomputed"] == 3
        # Committed: every thread now counts 9 Dec as a day off (the deadline moved past it).
        assert inbox(runtime, people) == (DUE_AFTER, 3)
        assert not runtime.calendar.is_working_day(DAY_OFF)
        started = instances.start_instance(runtime, people.legal_officer, "complaint",
                                           COMPLAINT)
        assert started["tasks"][0]["due_at"] == DUE_AFTER


@pytest.mark.usefixtures("frozen")
def test_the_command_recomputes_with_its_own_calendar_whatever_others_read(
        runtime, people, monkeypatch):
    case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    task_id = case["tasks"][0]["id"]
    # An earlier change, far from the case's deadlines, leaves the table to be read again.
    holidays.add_holiday(runtime, people.admin, date(2027, 1, 4), "วันหยุดพิเศษ (ก่อนหน้า)")
    with HeldChange(runtime, people, monkeypatch, before=True) as change:
        # B reads the holiday table meanwhile, which re-reads the committed calendar.
        reader = Worker(lambda: holidays.list_holidays(runtime, date(2026, 12, 1),
                                                       date(2026, 12, 31)))
        reader.start()
        listed = reader.outcome()
    assert change.thread.outcome()["recomputed"] == 3
    assert tasks.get_task(runtime, people.legal_officer, task_id)["due_at"] == DUE_AFTER
    assert DAY_OFF.isoformat() not in {day["day"] for day in listed}


@pytest.mark.postgres
@pytest.mark.usefixtures("frozen")
def test_a_case_started_during_the_change_keeps_the_committed_calendar(
        pg_url, tmp_path, monkeypatch):
    """PostgreSQL lets a new case start while the holiday command holds its rows
    (SQLite queues the two writers), so only there can B's timers be evaluated during it."""
    from engine.services.admin.processes import deploy
    from tests.conftest import make_runtime

    rt = make_runtime(tmp_path, pg_url)
    try:
        deploy(rt)
        people = People(rt)
        instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
        with HeldChange(rt, people, monkeypatch):
            starter = Worker(lambda: instances.start_instance(
                rt, people.legal_officer, "complaint", COMPLAINT))
            starter.start()
            started = starter.outcome()
        assert started["tasks"][0]["due_at"] == DUE_BEFORE
    finally:
        rt.close()
