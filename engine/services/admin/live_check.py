"""The editor's live check: the report `govflow validate` gives, for BPMN text not in a file.

The same checks as ``govflow validate`` (engine.bpmn.definitions.check_bytes, bpmnlint
included) on the text the editor holds, against the forms and processes.toml of
processes/; nothing is written or audited, as nothing changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.bpmn.definitions import check_bytes
from engine.bpmn.lint.report_json import report_json
from engine.core.actors import Actor
from engine.core.errors import Forbidden, InvalidData, NotFound
from engine.core.models import ProcessVersion
from engine.services.admin.versions import MAX_UPLOAD, OWNER_ROLES
from engine.workflow.runtime import Runtime

__all__ = ["check_process_text"]


def check_process_text(rt: Runtime, actor: Actor, key: str, bpmn: str) -> dict[str, Any]:
    """The validation report (engine.bpmn.lint.report_json) of ``bpmn`` as process ``key``'s
    file; a file with errors is a report too, not a refusal."""
    if actor.roles.isdisjoint(OWNER_ROLES):
        raise Forbidden("เฉพาะผู้ดูแลกระบวนงาน / process owners only")
    data = bpmn.encode("utf-8")
    if len(data) > MAX_UPLOAD:
        raise InvalidData("ไฟล์ใหญ่เกิน 5 MB / larger than 5 MB", {"bpmn": "≤ 5 MB"})
    checked = check_bytes(data, _file_name(rt, key), rt.settings.processes_dir,
                          with_bpmnlint=True)
    return report_json(checked)


def _file_name(rt: Runtime, key: str) -> str:
    """The current version's file name, so the problems name the file being edited."""
    with rt.db.read() as session:
        name = session.scalar(select(ProcessVersion.file_name).where(
            ProcessVersion.process_key == key, ProcessVersion.is_current.is_(True)))
    if name is None:
        raise NotFound(f"ไม่พบกระบวนงาน '{key}' / no process '{key}'")
    return name
