"""The engine's long-lived parts, built once per process and passed to every service call.

Nothing here is global: the web app, the CLI, the scheduler and the tests each
build a :class:`Runtime` from :class:`~engine.core.config.Settings`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.bpmn.definitions import DefinitionRegistry
from engine.bpmn.expressions.environment import make_script_engine
from engine.core.config import Settings
from engine.core.db import Database
from engine.core.keys import data_key, name_index_key
from engine.core.models import HolidayOverride
from engine.core.office import OfficeIdentity, load_office
from engine.core.passwords import PasswordHashing, password_hashing
from engine.core.personal_data import PersonalDataCipher
from engine.thai.workdays import WorkingCalendar
from engine.workflow.workflow_state import WorkflowCache

CALENDAR_CHECK_SECONDS = 2.0


class Runtime:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.db = Database(self.settings.resolved_database_url)
        self.definitions = DefinitionRegistry()
        self.workflows = WorkflowCache()
        self.cipher = PersonalDataCipher(data_key(self.settings))
        #: The HMAC key of the blind index of names (engine.core.name_index).
        self.name_index_key = name_index_key(self.settings)
        self.passwords: PasswordHashing = password_hashing(self.settings.password_profile)
        self._committed_calendar = WorkingCalendar()
        #: The calendar of the holiday change this thread is running, until it commits.
        self._command = threading.local()
        self._calendar_stamp: tuple | None = None
        self._calendar_checked = float("-inf")
        #: Periodic reports this process knows are delivered (saves a query per tick).
        self.delivered_reports: set[tuple[str, int, int]] = set()
        # The helpers look the calendar up on each call, so a calendar rebuilt after an
        # administrator's change reaches workflows already held in the cache, and a holiday
        # change's timers are evaluated against its own calendar, other threads' against the
        # committed one.
        self.script_engine = make_script_engine({
            "deadline_after": lambda received_at, n: self.calendar.deadline_after(received_at, n),
            "working_days_after": lambda value, n: self.calendar.working_days_after(value, n),
        })

    @cached_property
    def office(self) -> OfficeIdentity:
        """The office's identity for letters and reports, read on first use."""
        return load_office(self.settings)

    @property
    def calendar(self) -> WorkingCalendar:
        """The calendar this thread counts working days with: that of the holiday change
        it is running, else the committed one."""
        own = self._own_calendar()
        return own if own is not None else self._committed_calendar

    def _own_calendar(self) -> WorkingCalendar | None:
        """The calendar of the holiday change running on this thread, if one is."""
        own: WorkingCalendar | None = getattr(self._command, "calendar", None)
        return own

    def refresh_calendar(self, session: Session, *, force: bool = False) -> WorkingCalendar:
        """Rebuild the calendar when the administrators' holiday table changed.

        Checked at most every CALENDAR_CHECK_SECONDS per process (a holiday change
        recomputes pending deadlines itself, in its own transaction).
        """
        own = self._own_calendar()
        if own is not None:
            # A holiday change's session sees its uncommitted table: nothing read there
            # may become the committed calendar.
            return own
        moment = time.monotonic()
        if not force and moment - self._calendar_checked < CALENDAR_CHECK_SECONDS:
            return self._committed_calendar
        self._calendar_checked = moment
        stamp = tuple(session.execute(
            select(
                func.count(HolidayOverride.id),
                func.max(HolidayOverride.created_at),
                func.max(HolidayOverride.revoked_at),
            )
        ).one())
        if stamp != self._calendar_stamp:
            self._committed_calendar = calendar_from_overrides(session)
            self._calendar_stamp = stamp
        return self._committed_calendar

    @contextmanager
    def command_calendar(self, calendar: WorkingCalendar) -> Iterator[None]:
        """Count with ``calendar`` on this thread only, for the block: a holiday change's
        recomputation, inside its transaction. Other threads keep the committed one."""
        previous = self._own_calendar()
        self._command.calendar = calendar
        try:
            yield
        finally:
            self._command.calendar = previous

    def publish_calendar(self, calendar: WorkingCalendar) -> None:
        """A holiday change committed: its calendar is every thread's now, and the next
        refresh reads the table again (another change may have committed alongside)."""
        self._committed_calendar = calendar
        self._calendar_stamp = None
        self._calendar_checked = float("-inf")

    @contextmanager
    def workflow_guard(self) -> Iterator[WorkflowGuard]:
        """Wrap a command: cache its workflows after commit, forget them on any failure.

        Enter it *outside* ``db.write()`` so the commit has happened (or failed)
        before the cache is touched.
        """
        guard = WorkflowGuard()
        try:
            yield guard
        except BaseException:
            for instance_id in guard.touched:
                self.workflows.discard(instance_id)
            raise
        for instance_id, (revision, workflow) in guard.saved.items():
            self.workflows.put(instance_id, revision, workflow)

    def close(self) -> None:
        self.db.dispose()


def calendar_from_overrides(session: Session) -> WorkingCalendar:
    active = session.scalars(
        select(HolidayOverride).where(HolidayOverride.revoked_at.is_(None))
    ).all()
    added = {row.day: row.reason for row in active if row.kind == "add"}
    removed = [row.day for row in active if row.kind == "remove"]
    return WorkingCalendar(added, removed)


class WorkflowGuard:
    def __init__(self) -> None:
        self.touched: set[int] = set()
        self.saved: dict[int, tuple[int, BpmnWorkflow]] = {}

    def touch(self, instance_id: int) -> None:
        self.touched.add(instance_id)

    def saved_at(self, instance_id: int, revision: int, workflow: BpmnWorkflow) -> None:
        self.touched.add(instance_id)
        self.saved[instance_id] = (revision, workflow)
