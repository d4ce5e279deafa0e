"""The two versions being compared, read once and shared by every kind of sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.bpmn.bundle import ProcessBundle
from engine.bpmn.changes.elements import ProcessView


@dataclass(frozen=True)
class Pair:
    old: ProcessView
    new: ProcessView
    old_bundle: ProcessBundle
    new_bundle: ProcessBundle
    #: The bundles as stored (``to_dict``): settings are read from here, so the sentences
    #: follow whatever the bundle stores.
    old_stored: dict[str, Any]
    new_stored: dict[str, Any]
    #: Whether the process keeps personal data at all (engine.core.personal_data): only
    #: then does marking a field personal change anything.
    keeps_personal: bool = False

    def label(self, element_id: str | None) -> str:
        """An element's name in the new version, else in the old one, else its id."""
        if element_id in self.new.elements:
            return self.new.label(element_id)
        return self.old.label(element_id)

    def role_of(self, task_id: str, *, new: bool) -> str | None:
        rule = (self.new_bundle if new else self.old_bundle).tasks.get(task_id)
        return rule.role if rule is not None else None

    def lane_steps(self, lane_id: str) -> tuple[str, ...]:
        """The user tasks in a lane, in either version."""
        return tuple(sorted({t for b in (self.old_bundle, self.new_bundle)
                             for t, rule in b.tasks.items() if rule.lane_id == lane_id}))
