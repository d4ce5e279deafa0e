"""One story per overdue task (เรื่องราวของงานที่เกินกำหนด), for the escalations page.

A task that misses its deadline raises one escalation per level its timers reach: the
reminder, the breach, the second escalation. People read them as one story: the task,
its highest level, and the levels below it with the age of each, counted from that
level's own due date.
"""

from __future__ import annotations

from typing import Any

from engine.core.actors import Actor
from engine.core.models import utcnow
from engine.core.statuses import EscalationStatus
from engine.workflow.access import may_see_instance
from engine.workflow.escalations import escalation_view, visible_escalations
from engine.workflow.runtime import Runtime

#: The statuses of a level still outstanding.
CURRENT = (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED)


def _story_status(levels: list[dict[str, Any]]) -> str:
    """A task's story is open while any level is unacknowledged, resolved once all are."""
    statuses = {level["status"] for level in levels}
    for status in (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED):
        if status in statuses:
            return status
    return EscalationStatus.RESOLVED


def _rows_for(statuses: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The levels to read for stories in ``statuses``. Completing a task resolves all its
    levels at once, so a story still outstanding holds no resolved level, and a resolved
    one only resolved levels: the page and the badge never read the whole history."""
    if statuses is None:
        return None
    wanted = set(statuses)
    if EscalationStatus.RESOLVED not in wanted:
        return CURRENT
    return (EscalationStatus.RESOLVED,) if wanted == {EscalationStatus.RESOLVED} else None


def escalation_stories(rt: Runtime, actor: Actor,
                       statuses: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """One story per overdue task: its highest level on top, every level it reached below
    (each aged from its own due date), and the case named by its subject to those who
    may see the case (as its inbox row and case page do), by its number to the others.

    ``statuses`` keeps the stories whose own status is one of them (None: all)."""
    with rt.db.read() as session:
        now = utcnow()
        found = visible_escalations(rt, session, actor, _rows_for(statuses))
        visible: dict[int, bool] = {}
        stories: dict[tuple[int, str], dict[str, Any]] = {}
        for item in found:
            row, instance = item[0], item[1]
            if instance.id not in visible:
                bundle = rt.definitions.by_id(session, instance.version_id).bundle
                visible[instance.id] = may_see_instance(actor, instance, bundle)
            view = escalation_view(rt, item, now)
            story = stories.setdefault((instance.id, row.task_id or row.timer_id), {
                "instance_id": instance.id,
                "process_key": instance.process_key,
                "subject": (instance.title or None) if visible[instance.id] else None,
                "task_id": row.task_id,
                "task_name": view["task_name"],
                "unit_name": view["unit_name"],
                "assignee_display": view["assignee_display"],
                "task_due_at": view["task_due_at"],
                "levels": [],
            })
            story["levels"].append(view)
    result = []
    for story in stories.values():
        levels = sorted(story["levels"], key=lambda v: (v["level"], v["due_at"] or ""))
        top = levels[-1]
        unacknowledged = [v for v in levels if v["status"] == EscalationStatus.OPEN]
        story.update(levels=levels, top=top, level=top["level"], status=_story_status(levels),
                     age_working_days=top["age_working_days"],
                     # Acknowledging the highest open level acknowledges those below it.
                     acknowledge_id=unacknowledged[-1]["id"] if unacknowledged else None)
        if statuses is None or story["status"] in statuses:
            result.append(story)
    return result


def count_open_stories(rt: Runtime, actor: Actor) -> int:
    """How many tasks have a level no one has acknowledged yet: the header's badge."""
    return len(escalation_stories(rt, actor, (EscalationStatus.OPEN,)))
