"""Personal data a step's form asks for: the fields the process's forms mark
``"x-personal": true`` (engine.core.personal_data) never enter the workflow, on a task
as at the start; they join the case's encrypted personal data instead."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.core.models import ProcessInstance
from engine.core.name_index import replace_name_terms
from engine.core.personal_data import split_personal
from engine.workflow.case import Case
from engine.workflow.runtime import Runtime


def seal_task_personal(rt: Runtime, session: Session, case: Case,
                       data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without its personal fields, which are added to the case's sealed personal
    data in the caller's transaction (the case row is already locked by load_case)."""
    key = case.instance.process_key
    public, personal = split_personal(key, data, case.definition.bundle.forms.values())
    if not personal:
        return public
    sealed = session.scalar(select(ProcessInstance.personal_data)
                            .where(ProcessInstance.id == case.instance.id))
    merged = {**rt.cipher.decrypt(sealed), **personal}
    session.execute(update(ProcessInstance).where(ProcessInstance.id == case.instance.id)
                    .values(personal_data=rt.cipher.encrypt(merged)))
    replace_name_terms(session, rt.name_index_key, case.instance.id, key, merged)
    return public
