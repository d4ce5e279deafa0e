"""``summarize``: every sentence between two versions, settings first, in reading order."""

from __future__ import annotations

from dataclasses import dataclass

from engine.bpmn.bundle import ProcessBundle
from engine.bpmn.changes.change import Change
from engine.bpmn.changes.elements import read_view
from engine.bpmn.changes.forms import form_changes
from engine.bpmn.changes.pair import Pair
from engine.bpmn.changes.rules import (
    escalation_changes,
    lane_changes,
    other_rule_changes,
    setting_changes,
    supervisor_changes,
)
from engine.bpmn.changes.steps import element_changes, flow_changes
from engine.bpmn.changes.timers import condition_changes, timer_changes
from engine.core.personal_data import PERSONAL_FIELDS


@dataclass(frozen=True)
class VersionSide:
    """One version of one process: its BPMN file's bytes and its bundle."""

    process_key: str
    bpmn: bytes
    bundle: ProcessBundle


#: Added, then removed, then changed, within each group of sentences.
_KIND_ORDER = {"added": 0, "removed": 1, "changed": 2}


def summarize(old: VersionSide, new: VersionSide) -> list[Change]:
    """What changes from ``old`` to ``new``, one sentence per change (none when equal)."""
    pair = Pair(read_view(old.bpmn, old.process_key), read_view(new.bpmn, new.process_key),
                old.bundle, new.bundle, old.bundle.to_dict(), new.bundle.to_dict(),
                keeps_personal=bool(PERSONAL_FIELDS.get(new.process_key)))
    elements = sorted(element_changes(pair), key=lambda c: _KIND_ORDER[c.kind])
    return [
        *setting_changes(pair), *elements, *form_changes(pair), *timer_changes(pair),
        *condition_changes(pair), *flow_changes(pair), *lane_changes(pair),
        *supervisor_changes(pair), *escalation_changes(pair), *other_rule_changes(pair),
    ]
