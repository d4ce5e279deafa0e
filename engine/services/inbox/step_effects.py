"""What else happens when a step completes, in the completing command's transaction.

Each effect is ``effect(rt, session, case, actor, bpmn_id, data, now)``: ``case`` is the
running case (its workflow already advanced), ``data`` the completed task's data. An
effect that raises refuses the step and changes nothing. Effects decide for themselves
whether the step concerns them (by process settings, process key or step id).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.core.actors import Actor
from engine.services.complaints import letters
from engine.services.publishing import notices as publishing_notices
from engine.services.publishing import requests as publications
from engine.workflow.runtime import Runtime

Effect = Callable[[Runtime, Session, Any, Actor, str, Mapping[str, Any], datetime], Any]

#: In order: letters (complaints), the publication a step makes public, the owner told.
EFFECTS: tuple[Effect, ...] = (
    letters.issue_letters,
    publications.on_step,
    publishing_notices.on_step,
)


def after_step(rt: Runtime, session: Session, case: Any, actor: Actor, bpmn_id: str,
               data: Mapping[str, Any], now: datetime) -> None:
    for effect in EFFECTS:
        effect(rt, session, case, actor, bpmn_id, data, now)
