"""(Being written for issue 7.)"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.actors import Actor
from engine.runtime import Runtime


def on_step(rt: Runtime, session: Session, case: Any, actor: Actor, bpmn_id: str,
            data: Mapping[str, Any], now: datetime) -> None:
    """Not written yet: nothing happens."""
