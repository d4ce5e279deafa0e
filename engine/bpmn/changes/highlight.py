"""The colours of the two diagrams side by side: what the sentences name, by element."""

from __future__ import annotations

from collections.abc import Iterable

from engine.bpmn.changes.change import Change

#: Which version's drawing shows each kind: added in the new one, removed in the old one.
_SIDES = {"added": ("new",), "removed": ("old",), "changed": ("old", "new")}


def highlights(changes: Iterable[Change]) -> dict[str, dict[str, str]]:
    """``{"old": {element id: kind}, "new": {...}}``; an element a sentence adds or removes
    keeps that colour over "changed" (a step's form changing is then no news)."""
    marks: dict[str, dict[str, str]] = {"old": {}, "new": {}}
    for change in changes:
        ids = ([change.element_id] if change.element_id else []) + [
            s for s in change.steps if s != change.element_id]
        for el_id in ids:
            kind = change.kind if el_id == change.element_id else "changed"
            for side in _SIDES[kind]:
                if marks[side].get(el_id) in ("added", "removed"):
                    continue
                marks[side][el_id] = kind
    return marks
