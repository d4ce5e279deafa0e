"""What the process editor opens with: the current version of a process, its BPMN and
the parts of its bundle the editor shows (lanes and their roles, settings).

Drafts (saved edits that are not live) are another module's; this one reads only what
is deployed, for the editor's first load while no draft exists.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.errors import Forbidden, NotFound
from engine.core.models import ProcessVersion
from engine.services.admin.versions import OWNER_ROLES
from engine.workflow.runtime import Runtime

__all__ = ["editing_context"]


def editing_context(rt: Runtime, actor: Actor | None, process_key: str) -> dict[str, Any]:
    """The current version of ``process_key``: ``name``, ``version``, ``file_name``,
    ``bpmn`` (text), ``lanes`` (lane id → role) and ``settings`` (as the bundle keeps
    them; empty for a process without settings)."""
    # None is the command line, run by whoever administers the server.
    if actor is not None and actor.roles.isdisjoint(OWNER_ROLES):
        raise Forbidden("เฉพาะผู้ดูแลกระบวนงาน / process owners only")
    with rt.db.read() as session:
        row = session.scalar(select(ProcessVersion).where(
            ProcessVersion.process_key == process_key, ProcessVersion.is_current.is_(True)))
        if row is None:
            raise NotFound(f"ไม่พบกระบวนงาน '{process_key}' / no process '{process_key}'")
        bundle = rt.definitions.get(row).bundle.to_dict()
        return {
            "name": row.name,
            "version": row.version,
            "file_name": row.file_name,
            "bpmn": row.bpmn_xml.decode("utf-8"),
            "lanes": dict(bundle.get("lanes") or {}),
            "settings": dict(bundle.get("settings") or {}),
        }
