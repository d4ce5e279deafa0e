"""Process versions for process owners: list, make current, diff, upload, migrate cases.

``processes/`` stays the source of truth: an upload writes the file there before it
is deployed, and making an earlier version current writes that version's BPMN back,
so ``govflow deploy`` and ``govflow init`` never undo either.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.bpmn.bundle import ProcessBundle
from engine.bpmn.changes import VersionSide, highlights, summarize
from engine.bpmn.definitions import CheckedFile, Definition, check_bytes, deploy_checked
from engine.bpmn.settings_file import write_setting_values
from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.core.models import ProcessInstance, ProcessVersion, Task
from engine.core.statuses import InstanceStatus, TaskStatus
from engine.services.admin.deploy_notices import current_versions, prepare_notice, send_notice
from engine.workflow.cases import load_case, run_engine, save_case
from engine.workflow.runner import all_tasks
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso
from engine.workflow.workflow_state import serializer_registry

OWNER_ROLES = frozenset({"process_owner", "admin"})
_FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}\.bpmn$")
MAX_UPLOAD = 5 * 1024 * 1024


def _require_owner(actor: Actor | None) -> None:
    # None is the command line, run by whoever administers the server.
    if actor is not None and actor.roles.isdisjoint(OWNER_ROLES):
        raise Forbidden("เฉพาะผู้ดูแลกระบวนงาน / process owners only")


def _version_row(session: Session, process_key: str, version: int | None) -> ProcessVersion:
    query = select(ProcessVersion).where(ProcessVersion.process_key == process_key)
    query = query.where(ProcessVersion.version == version) if version is not None else \
        query.where(ProcessVersion.is_current.is_(True))
    row = session.scalar(query)
    if row is None:
        raise NotFound(f"ไม่พบ {process_key} ฉบับที่ {version} / no version {version} of "
                       f"'{process_key}'")
    return row


def _require_viewer(rt: Runtime, session: Session, actor: Actor | None, key: str) -> None:
    """Process owners, administrators and the process's supervisors see its versions."""
    if actor is None or not actor.roles.isdisjoint(OWNER_ROLES):
        return
    current = rt.definitions.current(session, key)
    if current is None or actor.roles.isdisjoint(current.bundle.supervisors):
        raise Forbidden("เฉพาะผู้ดูแลกระบวนงานและผู้บังคับบัญชา / process owners and "
                        "supervisors only")


def list_versions(rt: Runtime, process_key: str,
                  actor: Actor | None = None) -> list[dict[str, Any]]:
    with rt.db.read() as session:
        _require_viewer(rt, session, actor, process_key)
        rows = session.scalars(
            select(ProcessVersion).where(ProcessVersion.process_key == process_key)
            .order_by(ProcessVersion.version.desc())
        ).all()
        if not rows:
            raise NotFound(f"ไม่พบกระบวนงาน '{process_key}' / no process '{process_key}'")
        tallies: dict[tuple[int, str], int] = {
            (vid, status): n for vid, status, n in session.execute(
                select(ProcessInstance.version_id, ProcessInstance.status, func.count())
                .where(ProcessInstance.process_key == process_key)
                .group_by(ProcessInstance.version_id, ProcessInstance.status)
            ).tuples()
        }
        return [
            {
                "version": row.version,
                "version_hash": row.version_hash,
                "name": row.name,
                "file_name": row.file_name,
                "deployed_at": iso(row.deployed_at),
                "deployed_by": row.deployed_by,
                "is_current": row.is_current,
                "running": tallies.get((row.id, InstanceStatus.RUNNING), 0),
                "finished": sum(n for (vid, status), n in tallies.items()
                                if vid == row.id and status != InstanceStatus.RUNNING),
            }
            for row in rows
        ]


def make_current(rt: Runtime, actor: Actor | None, process_key: str, version: int) -> dict:
    """Make an earlier version current again, and put its BPMN and its settings' values
    back in processes/ (so ``govflow deploy`` finds that version, not the one it left)."""
    _require_owner(actor)
    with rt.db.read() as session:
        _version_row(session, process_key, version)  # NotFound before anything else
        previous = session.scalar(select(ProcessVersion.version).where(
            ProcessVersion.process_key == process_key, ProcessVersion.is_current.is_(True)))
        notice = prepare_notice(rt, session, actor, process_key, previous, version) \
            if previous != version else None
    with rt.db.write() as session:
        row = _version_row(session, process_key, version)
        session.execute(update(ProcessVersion)
                        .where(ProcessVersion.process_key == process_key)
                        .values(is_current=False))
        row.is_current = True
        (rt.settings.processes_dir / row.file_name).write_bytes(row.bpmn_xml)
        values = rt.definitions.get(row).bundle.setting_values()
        if values:
            write_setting_values(rt.settings.processes_dir, process_key, values)
        record(session, actor, "version_made_current", process_key=process_key,
               version=version)
        if notice is not None:
            send_notice(session, notice)
    return {"process_key": process_key, "version": version}


# ---- diff -----------------------------------------------------------------------------

def _spec_diff(old: Definition, new_spec: Any) -> SpecDiff:
    return SpecDiff(serializer_registry(), old.spec, new_spec)


def _bpmn_id(spec: Any) -> str:
    return getattr(spec, "bpmn_id", None) or spec.name


def _elements(diff: SpecDiff, old: Definition, new_bundle: ProcessBundle) -> dict[str, Any]:
    """Added, removed and changed BPMN elements, forms and lane roles included."""
    added = sorted({_bpmn_id(s) for s in diff.added if getattr(s, "bpmn_id", None)})
    removed = sorted({_bpmn_id(s) for s in diff.removed if getattr(s, "bpmn_id", None)})
    changed: dict[str, list[str]] = {}
    for spec, attrs in diff.changed.items():
        if getattr(spec, "bpmn_id", None):
            changed.setdefault(_bpmn_id(spec), []).extend(attrs)
    for task_id, rule in old.bundle.tasks.items():
        new_rule = new_bundle.tasks.get(task_id)
        if new_rule is None:
            continue
        if old.form(rule.form) != new_bundle.forms.get(new_rule.form or "", {}):
            changed.setdefault(task_id, []).append("form")
        if rule.role != new_rule.role:
            changed.setdefault(task_id, []).append("role")
    return {"added": added, "removed": removed,
            "changed": {k: sorted(set(v)) for k, v in sorted(changed.items())}}


def _affected(session: Session, version_id: int, ids: set[str]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Task.instance_id, Task.bpmn_id, Task.name)
        .join(ProcessInstance, ProcessInstance.id == Task.instance_id)
        .where(ProcessInstance.version_id == version_id,
               ProcessInstance.status == InstanceStatus.RUNNING,
               Task.state == TaskStatus.OPEN, Task.bpmn_id.in_(sorted(ids)))
        .order_by(Task.instance_id)
    ).all()
    return [{"instance_id": i, "task": b, "task_name": n} for i, b, n in rows]


def _summary(session: Session, version_id: int, old: VersionSide,
             new: VersionSide) -> dict[str, Any]:
    """The change sentences, each with the running cases (of version ``version_id``) whose
    open tasks it concerns, and the diagrams' colours."""
    changes = summarize(old, new)
    steps = {s for c in changes for s in c.steps}
    open_at: dict[str, list[dict[str, Any]]] = {}
    for row in _affected(session, version_id, steps) if steps else []:
        open_at.setdefault(row["task"], []).append(row)
    summary = []
    for change in changes:
        entry = change.to_dict()
        entry["affected"] = sorted((row for s in change.steps for row in open_at.get(s, [])),
                                   key=lambda row: (row["instance_id"], row["task"]))
        summary.append(entry)
    return {"summary": summary, "highlight": highlights(changes)}


def affected_cases(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Every running case a diff touches, once, with the open tasks it is waiting at."""
    cases: dict[int, dict[str, Any]] = {}
    rows = [*entry.get("instances_on_changed", ()),
            *(row for change in entry.get("summary", ()) for row in change["affected"])]
    for row in rows:
        case = cases.setdefault(row["instance_id"], {"instance_id": row["instance_id"],
                                                     "tasks": {}})
        case["tasks"][row["task"]] = row["task_name"]
    return [cases[i] for i in sorted(cases)]


def diff_versions(rt: Runtime, process_key: str, from_version: int, to_version: int,
                  actor: Actor | None = None) -> dict[str, Any]:
    with rt.db.read() as session:
        _require_viewer(rt, session, actor, process_key)
        old_row = _version_row(session, process_key, from_version)
        new_row = _version_row(session, process_key, to_version)
        old, new = rt.definitions.get(old_row), rt.definitions.get(new_row)
        elements = _elements(_spec_diff(old, new.spec), old, new.bundle)
        touched = set(elements["removed"]) | set(elements["changed"])
        elements["instances_on_changed"] = _affected(session, old.version_id, touched)
        elements.update(_summary(
            session, old.version_id, VersionSide(process_key, old_row.bpmn_xml, old.bundle),
            VersionSide(process_key, new_row.bpmn_xml, new.bundle)))
        elements["affected_cases"] = affected_cases(elements)
        elements["text_diff"] = _text_diff(old_row.bpmn_xml, new_row.bpmn_xml,
                                           f"v{from_version}/{old_row.file_name}",
                                           f"v{to_version}/{new_row.file_name}")
        return {"process_key": process_key, "from": from_version, "to": to_version,
                **elements}


def _text_diff(old: bytes, new: bytes, old_name: str, new_name: str) -> str:
    return "".join(difflib.unified_diff(
        old.decode("utf-8", "replace").splitlines(keepends=True),
        new.decode("utf-8", "replace").splitlines(keepends=True), old_name, new_name, n=2))


# ---- upload ---------------------------------------------------------------------------

def _check_upload(rt: Runtime, file_name: str, data: bytes, *,
                  with_bpmnlint: bool = False) -> CheckedFile:
    if not _FILE_NAME.match(file_name or ""):
        raise InvalidData("ชื่อไฟล์ต้องลงท้ายด้วย .bpmn และใช้อักษรอังกฤษ ตัวเลข - _ . / the file "
                          "name must end in .bpmn and use letters, digits, - _ .",
                          {"file": "เช่น complaint.bpmn / e.g. complaint.bpmn"})
    if len(data) > MAX_UPLOAD:
        raise InvalidData("ไฟล์ใหญ่เกิน 5 MB / larger than 5 MB", {"file": "≤ 5 MB"})
    return check_bytes(data, file_name, rt.settings.processes_dir, with_bpmnlint=with_bpmnlint)


def preview_upload(rt: Runtime, actor: Actor | None, file_name: str,
                   data: bytes) -> dict[str, Any]:
    """The validation report and the diff against what is live; nothing is changed."""
    _require_owner(actor)
    checked = _check_upload(rt, file_name, data, with_bpmnlint=True)
    result: dict[str, Any] = {
        "file_name": file_name,
        "ok": checked.ok,
        "problems": [
            {"file": p.file, "line": p.line, "element_id": p.element_id,
             "message": p.message, "message_th": p.message_th, "severity": p.severity}
            for p in checked.problems
        ],
        "processes": [],
    }
    current_path = rt.settings.processes_dir / file_name
    old_text = current_path.read_text(encoding="utf-8") if current_path.is_file() else ""
    result["text_diff"] = _text_diff(old_text.encode("utf-8"), data,
                                     f"processes/{file_name}", f"upload/{file_name}")
    if checked.loaded is None:
        return result
    with rt.db.read() as session:
        for pid, bundle in checked.processes.items():
            current = rt.definitions.current(session, pid)
            entry: dict[str, Any] = {"process_key": pid, "current_version": None}
            if current is not None:
                entry["current_version"] = current.version
                entry.update(_elements(_spec_diff(current, checked.loaded.specs[pid]),
                                       current, bundle))
                touched = set(entry["removed"]) | set(entry["changed"])
                entry["instances_on_changed"] = _affected(session, current.version_id,
                                                          touched)
                current_row = _version_row(session, pid, current.version)
                entry.update(_summary(
                    session, current.version_id,
                    VersionSide(pid, current_row.bpmn_xml, current.bundle),
                    VersionSide(pid, data, bundle)))
                entry["affected_cases"] = affected_cases(entry)
            result["processes"].append(entry)
    return result


def deploy_upload(rt: Runtime, actor: Actor | None, file_name: str,
                  data: bytes) -> dict[str, Any]:
    """Check, write into processes/, deploy. A file that fails any check changes nothing."""
    _require_owner(actor)
    checked = _check_upload(rt, file_name, data)
    if not checked.ok:
        raise InvalidData(
            "ไฟล์นี้ไม่ผ่านการตรวจสอบ จึงไม่ได้ติดตั้ง / the file failed its checks and was not "
            "deployed", {"file": "; ".join(p.format("en") for p in checked.problems
                                          if p.severity == "error")[:2000]})
    was_current = current_versions(rt, checked.processes)
    target = rt.settings.processes_dir / file_name
    previous = target.read_bytes() if target.is_file() else None
    target.write_bytes(data)
    try:
        report = deploy_checked(rt.db, checked, actor.username if actor else "cli")
    except BaseException:
        # The database did not take it: processes/ must not hold what is not live.
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(previous)
        raise
    with rt.db.read() as session:
        notices = [prepare_notice(rt, session, actor, pid, was_current.get(pid), version)
                   for pid, version in report.deployed]
    with rt.db.write() as session:
        record(session, actor, "definition_uploaded", file=file_name,
               deployed=[list(d) for d in report.deployed])
        for notice in notices:
            send_notice(session, notice)
    return {"deployed": report.deployed, "unchanged": report.unchanged}


# ---- migration ------------------------------------------------------------------------

def _timer_values(workflow: Any) -> dict[str, Any]:
    """Due times of waiting timers by BPMN id, to carry over: a pending timer keeps it."""
    return {
        task.task_spec.bpmn_id: task.internal_data["event_value"]
        for task in all_tasks(workflow)
        if task.state == TaskState.WAITING and "event_value" in task.internal_data
    }


def _unsafe(diff: WorkflowDiff) -> str | None:
    for task in diff.removed:
        if task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED):
            name = task.task_spec.bpmn_name or task.task_spec.bpmn_id
            return (f"เรื่องนี้อยู่ที่ขั้นตอน '{name}' ซึ่งฉบับใหม่ไม่มีแล้ว / the case is at "
                    f"'{task.task_spec.bpmn_id}', which the new version removes")
    return None


def migrate_instance(rt: Runtime, actor: Actor | None, instance_id: int,
                     to_version: int | None = None) -> dict[str, Any]:
    """Move one running case to a newer version (default: the current one), if safe."""
    _require_owner(actor)
    with rt.workflow_guard() as guard, rt.db.write() as session:
        case = load_case(rt, session, guard, instance_id)
        source = case.definition
        target = rt.definitions.get(_version_row(session, source.process_key, to_version))
        if case.instance.status != InstanceStatus.RUNNING:
            raise Conflict("ย้ายได้เฉพาะเรื่องที่ยังดำเนินการอยู่ / only running cases move")
        if target.version <= source.version:
            raise Conflict(f"เรื่องนี้อยู่ที่ฉบับที่ {source.version} แล้ว / the case is on "
                           f"version {source.version}; choose a newer one")
        workflow = case.workflow
        diff = WorkflowDiff(workflow, _spec_diff(source, target.spec))
        reason = _unsafe(diff)
        if reason:
            raise Conflict(reason)
        kept = _timer_values(workflow)
        migrate_workflow(diff, workflow, target.spec)
        workflow.subprocess_specs = target.subprocess_specs
        for task in all_tasks(workflow):
            if task.task_spec.bpmn_id in kept and "event_value" not in task.internal_data:
                task.internal_data["event_value"] = kept[task.task_spec.bpmn_id]
        case.definition = target
        case.instance.version_id = target.version_id
        run_engine(case, "การย้ายไปฉบับใหม่ / moving to the new version")
        save_case(rt, session, guard, case)
        done_and_changed = sorted({t.task_spec.bpmn_id for t in diff.changed
                                   if t.state == TaskState.COMPLETED})
        record(session, actor, "instance_migrated", instance_id=instance_id,
               from_version=source.version, to_version=target.version,
               completed_steps_changed=done_and_changed)
        return {"instance_id": instance_id, "from": source.version, "to": target.version,
                "completed_steps_changed": done_and_changed}


def migrate_version(rt: Runtime, actor: Actor | None, process_key: str, from_version: int,
                    to_version: int | None = None) -> dict[str, Any]:
    """Move every running case on ``from_version``; each is moved or refused on its own."""
    _require_owner(actor)
    with rt.db.read() as session:
        source = _version_row(session, process_key, from_version)
        ids = session.scalars(select(ProcessInstance.id).where(
            ProcessInstance.version_id == source.id,
            ProcessInstance.status == InstanceStatus.RUNNING)).all()
    moved, refused = [], []
    for instance_id in ids:
        try:
            moved.append(migrate_instance(rt, actor, instance_id, to_version))
        except Conflict as exc:
            refused.append({"instance_id": instance_id, "reason": exc.message})
    return {"migrated": moved, "refused": refused}


def version_bpmn(rt: Runtime, process_key: str, version: int,
                 actor: Actor | None = None) -> bytes:
    """The BPMN bytes of one deployed version (for drawing it)."""
    with rt.db.read() as session:
        _require_viewer(rt, session, actor, process_key)
        return _version_row(session, process_key, version).bpmn_xml
