"""The engine's long-lived parts, built once per process and passed to every service call.

Nothing here is global: the web app, the CLI, the scheduler and the tests each
build a :class:`Runtime` from :class:`~engine.config.Settings`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.config import Settings
from engine.db import Database
from engine.definitions import DefinitionRegistry
from engine.expressions import make_script_engine
from engine.keys import data_key
from engine.personal_data import PersonalDataCipher
from engine.workdays import WorkingCalendar, bpmn_helpers
from engine.workflow_state import WorkflowCache


class Runtime:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.db = Database(self.settings.resolved_database_url)
        self.definitions = DefinitionRegistry()
        self.workflows = WorkflowCache()
        self.cipher = PersonalDataCipher(data_key(self.settings))
        self.calendar = WorkingCalendar()
        self.script_engine = make_script_engine(bpmn_helpers(self.calendar))

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


class WorkflowGuard:
    def __init__(self) -> None:
        self.touched: set[int] = set()
        self.saved: dict[int, tuple[int, BpmnWorkflow]] = {}

    def touch(self, instance_id: int) -> None:
        self.touched.add(instance_id)

    def saved_at(self, instance_id: int, revision: int, workflow: BpmnWorkflow) -> None:
        self.touched.add(instance_id)
        self.saved[instance_id] = (revision, workflow)
