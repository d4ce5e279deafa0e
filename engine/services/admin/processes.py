"""Process definitions as the API lists them, and deployment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.bpmn.definitions import DeployReport, deploy_directory
from engine.core.models import ProcessVersion
from engine.workflow.runtime import Runtime


def list_processes(rt: Runtime) -> list[dict[str, Any]]:
    with rt.db.read() as session:
        rows = session.scalars(
            select(ProcessVersion)
            .where(ProcessVersion.is_current.is_(True))
            .order_by(ProcessVersion.process_key)
        ).all()
        result = []
        for row in rows:
            definition = rt.definitions.get(row)
            result.append(
                {
                    "key": row.process_key,
                    "name": row.name,
                    "version": row.version,
                    "version_hash": row.version_hash,
                    "start_form": definition.start_form,
                    "start_role": definition.bundle.start_role,
                }
            )
        return result


def deploy(rt: Runtime, actor_name: str = "system") -> DeployReport:
    return deploy_directory(rt.db, rt.settings.processes_dir, actor_name)
