"""Deploying process definitions and keeping their parsed specs in memory.

A version is identified by the hash of everything that shapes a running case: the
BPMN bytes, the resolved forms and the lane rules. Deploying a file that fails any
check leaves the last good version current; the report says what to fix.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.bpmn.expressions.checks import check_expression
from engine.bpmn.forms import load_form
from engine.bpmn.lint.all_checks import lint
from engine.bpmn.loading.load import LoadedBpmn, load_bpmn
from engine.bpmn.loading.process_info import ProcessInfo, UserTaskInfo
from engine.bpmn.problems import Problem, bound_problems
from engine.bpmn.process_settings import ProcessSettings, read_settings
from engine.core.db import Database
from engine.core.errors import BpmnLoadError, ExpressionError, FormFileError, SettingsError
from engine.core.limits import column_limit
from engine.core.models import ProcessVersion, Task


@dataclass(frozen=True)
class Definition:
    """A deployed version, parsed and ready to run instances."""

    version_id: int
    process_key: str
    version: int
    version_hash: str
    name: str
    spec: Any
    subprocess_specs: dict[str, Any]
    bundle: dict[str, Any]

    def task_info(self, bpmn_id: str) -> dict[str, Any] | None:
        return self.bundle["tasks"].get(bpmn_id)

    def form(self, relative: str | None) -> dict[str, Any]:
        return self.bundle["forms"].get(relative, {}) if relative else {}

    @property
    def start_form(self) -> dict[str, Any]:
        return self.form(self.bundle.get("start_form"))


@dataclass
class DeployReport:
    deployed: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[tuple[str, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


class DefinitionRegistry:
    """Parsed specs cached by version; parsing costs more than running a small instance."""

    def __init__(self) -> None:
        self._cache: dict[int, Definition] = {}

    def get(self, row: ProcessVersion) -> Definition:
        cached = self._cache.get(row.id)
        if cached is not None and cached.version_hash == row.version_hash:
            return cached
        loaded = load_bpmn(row.bpmn_xml, row.file_name)
        definition = Definition(
            version_id=row.id,
            process_key=row.process_key,
            version=row.version,
            version_hash=row.version_hash,
            name=row.name,
            spec=loaded.specs[row.process_key],
            subprocess_specs=loaded.subprocess_specs.get(row.process_key, {}),
            bundle=row.bundle,
        )
        self._cache[row.id] = definition
        return definition

    def by_id(self, session: Session, version_id: int) -> Definition:
        cached = self._cache.get(version_id)
        if cached is not None:
            return cached
        return self.get(session.get_one(ProcessVersion, version_id))

    def current_all(self, session: Session) -> list[Definition]:
        """Every process's current version (one small query; the rest from the cache)."""
        ids = session.scalars(
            select(ProcessVersion.id)
            .where(ProcessVersion.is_current.is_(True))
            .order_by(ProcessVersion.process_key)
        ).all()
        return [self.by_id(session, version_id) for version_id in ids]

    def names(self, session: Session) -> dict[str, str]:
        """Each current process's display name, by key."""
        return {d.process_key: d.name for d in self.current_all(session)}

    def current(self, session: Session, process_key: str) -> Definition | None:
        # Only the id is read here; the version row (with its BPMN bytes) is loaded
        # once per version and then served from the cache.
        version_id = session.scalar(
            select(ProcessVersion.id).where(
                ProcessVersion.process_key == process_key, ProcessVersion.is_current.is_(True)
            )
        )
        return self.by_id(session, version_id) if version_id is not None else None


def _problem(file: str, line: int | None, element_id: str | None, en: str, th: str) -> Problem:
    return Problem(file=file, line=line, element_id=element_id, message=en, message_th=th)


def build_bundle(
    loaded: LoadedBpmn, info: ProcessInfo, processes_dir: Path, settings: ProcessSettings | None
) -> dict[str, Any]:
    """Collect what a version needs besides the BPMN; raise BpmnLoadError listing every gap."""
    problems: list[Problem] = []
    file = loaded.file
    lanes = settings.lanes if settings else {}
    forms: dict[str, Any] = {}

    def add_form(relative: str | None, line: int | None, element_id: str | None) -> None:
        if not relative or relative in forms:
            return
        try:
            forms[relative] = load_form(processes_dir, relative)
        except FormFileError as exc:
            problems.append(_problem(file, line, element_id, str(exc), f"แบบฟอร์มใช้ไม่ได้: {exc}"))

    tasks: dict[str, Any] = {}
    for task in info.user_tasks.values():
        rule = lanes.get(task.lane_id or "")
        if rule is None:
            problems.append(_lane_problem(file, info, task))
        add_form(task.form, task.line, task.id)
        tasks[task.id] = {
            "name": task.name or task.id,
            "lane_id": task.lane_id,
            "lane_name": info.lanes.get(task.lane_id or "", None),
            "role": rule.role if rule else None,
            "requester_unit_only": bool(rule and rule.requester_unit_only),
            "form": task.form,
            "documentation": task.documentation or "",
            "deadline_timers": _deadline_timers(info, task.id),
        }
    add_form(info.start_form, info.start_line, info.start_event)
    letters = dict(settings.letters) if settings else {}
    problems.extend(_letter_problems(file, info, letters, processes_dir))
    problems.extend(_step_problems(file, info, settings))
    start_lane = _start_lane(loaded, info)
    start_rule = lanes.get(start_lane or "")
    problems.extend(_expression_problems(loaded, info))
    problems.extend(_length_problems(loaded, info))
    if problems:
        raise BpmnLoadError(problems)
    return {
        "name": info.name or info.process_id,
        "start_form": info.start_form,
        "forms": forms,
        "tasks": tasks,
        "lanes": {lane: rule.role for lane, rule in lanes.items()},
        "start_role": start_rule.role if start_rule else None,
        "timers": _timer_escalations(loaded, info),
        "escalations": {
            code: {"level": rule.level, "notify": rule.notify}
            for code, rule in (settings.escalations.items() if settings else ())
        },
        "supervisors": list(settings.supervisors) if settings else [],
        "title_field": settings.title_field if settings else None,
        "received_field": settings.received_field if settings else None,
        "letters": letters,
        "notify_owner": list(settings.notify_owner) if settings else [],
        "publication_step": settings.publication_step if settings else None,
    }


def _lane_problem(file: str, info: ProcessInfo, task: UserTaskInfo) -> Problem:
    """A user task whose lane has no role: say which case it is and what to do."""
    name = task.name or task.id
    where = f"[{info.process_id}.lanes]"
    if not info.lanes:
        return _problem(
            file, task.line, task.id,
            f"user task '{task.id}' cannot be given to anyone: process '{info.process_id}' has "
            f"no lanes. Add a lane for each role that works in it (in Camunda Modeler: "
            f"Add Lane) and name each lane id under {where} in processes.toml",
            f"งาน '{name}' ยังไม่มีผู้รับผิดชอบ เพราะกระบวนการ '{info.process_id}' ไม่มีช่องทำงาน "
            f"(lane) กรุณาเพิ่ม lane หนึ่งช่องต่อบทบาท (ใน Camunda Modeler: Add Lane) "
            f"แล้วระบุ id ของแต่ละ lane ไว้ใต้ {where} ใน processes.toml")
    if task.lane_id is None:
        return _problem(
            file, task.line, task.id,
            f"user task '{task.id}' is in no lane; move it into the lane of the role that "
            f"does it (lanes are mapped to roles under {where} in processes.toml)",
            f"งาน '{name}' ไม่อยู่ในช่องทำงาน (lane) ใด กรุณาย้ายไปไว้ใน lane ของบทบาทที่ทำงานนี้ "
            f"(กำหนดบทบาทของ lane ไว้ใต้ {where} ใน processes.toml)")
    return _problem(
        file, task.line, task.id,
        f"user task '{task.id}' is in lane '{task.lane_id}', which processes.toml "
        f"does not map to a role; add it under {where}",
        f"งาน '{name}' อยู่ในช่องทำงาน (lane) '{task.lane_id}' ที่ยังไม่ได้กำหนดบทบาท "
        f"ใน processes.toml กรุณาเพิ่มไว้ใต้ {where}")


def _length_problems(loaded: LoadedBpmn, info: ProcessInfo) -> list[Problem]:
    """The names a version row and the inbox keep must fit their columns: a longer one
    would deploy, then fail every case with a database error on PostgreSQL."""
    name, ident = ("name", "ชื่อ"), ("id", "รหัส (id)")
    texts = [(info.process_id, name, info.name or "", ProcessVersion.name)]
    texts += [(lane, name, lane_name, Task.lane_name) for lane, lane_name in info.lanes.items()]
    for task in info.user_tasks.values():
        texts += [(task.id, name, task.name or "", Task.name), (task.id, ident, task.id,
                                                                Task.bpmn_id)]
    problems = []
    by_id: dict[str, Any] | None = None
    for element_id, (what, what_th), value, column in texts:
        limit = column_limit(column) or len(value)
        if len(value) > limit:
            by_id = _ids(loaded) if by_id is None else by_id  # once, and only when needed
            found = by_id.get(element_id)
            problems.append(_problem(
                loaded.file, None if found is None else found.sourceline, element_id[:100],
                f"the {what} is {len(value):,} characters long, more than the {limit:,} "
                "govflow keeps: shorten it",
                f"{what_th}ยาว {len(value):,} ตัวอักษร เกิน {limit:,} ตัวอักษรที่ระบบเก็บได้ "
                "กรุณาย่อให้สั้นลง"))
    return problems


def _step_problems(file: str, info: ProcessInfo,
                   settings: ProcessSettings | None) -> list[Problem]:
    """Steps processes.toml names must be user tasks of the process."""
    if settings is None:
        return []
    named = [("notify_owner", task) for task in settings.notify_owner]
    if settings.publication_step:
        named.append(("publication_step", settings.publication_step))
    return [_problem(file, info.line, task,
                     f"processes.toml [{info.process_id}] {key} names '{task}', which is not a "
                     "user task of this process",
                     f"processes.toml [{info.process_id}] {key} อ้างถึงงาน '{task}' "
                     "ซึ่งไม่มีในกระบวนงานนี้")
            for key, task in named if task not in info.user_tasks]


def _letter_problems(file: str, info: ProcessInfo, letters: dict[str, str],
                     processes_dir: Path) -> list[Problem]:
    """Letters named in processes.toml must be known kinds of user tasks of the process,
    and their templates must fill: a broken template is caught at deploy, not at the
    moment a letter is due."""
    from engine.documents.letters import LETTER_KINDS, check_letter_templates

    problems = [_problem(file, info.line, info.process_id, text, text)
                for text in (check_letter_templates(processes_dir) if letters else [])]
    for task_id, kind in letters.items():
        if task_id not in info.user_tasks:
            problems.append(_problem(
                file, info.line, task_id,
                f"processes.toml [{info.process_id}.letters] names '{task_id}', which is not a "
                "user task of this process",
                f"processes.toml [{info.process_id}.letters] อ้างถึงงาน '{task_id}' "
                "ซึ่งไม่มีในกระบวนงานนี้"))
        if kind not in LETTER_KINDS:
            problems.append(_problem(
                file, info.line, task_id,
                f"processes.toml [{info.process_id}.letters]: unknown letter '{kind}'; "
                f"known: {', '.join(sorted(LETTER_KINDS))}",
                f"processes.toml [{info.process_id}.letters]: ไม่รู้จักหนังสือ '{kind}'"))
    return problems


def _deadline_timers(info: ProcessInfo, task_id: str) -> list[str]:
    """The boundary timers whose earliest due time is the task's ``due_at``.

    With one attached timer it is that one; with several (a reminder, escalations)
    they are those computed by ``deadline_after``: the first of them is the deadline.
    """
    attached = [t for t in info.timers if t.attached_to == task_id]
    if len(attached) > 1:
        attached = [t for t in attached if "deadline_after" in t.expression] or attached
    return [t.element_id for t in attached]


_BPMN = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def _timer_escalations(loaded: LoadedBpmn, info: ProcessInfo) -> dict[str, Any]:
    """For each boundary timer: the task it sits on and the escalation code its path throws.

    The diagram says what happens at a deadline (timer → escalation event); the
    engine only records and routes what the diagram throws. The flows, ids and
    escalations are indexed once, not searched for each timer.
    """
    attached = [t for t in info.timers if t.attached_to is not None]
    if not attached:
        return {}
    root = loaded.tree.getroot()
    targets: dict[str, list[str]] = {}
    for flow in root.iter(f"{{{_BPMN['bpmn']}}}sequenceFlow"):
        targets.setdefault(flow.get("sourceRef") or "", []).append(flow.get("targetRef") or "")
    by_id = _ids(loaded)
    codes = {
        el.get("id"): el.get("escalationCode")
        for el in root.iter(f"{{{_BPMN['bpmn']}}}escalation") if el.get("id")
    }
    timers = {}
    for timer in attached:
        code = None
        for target in targets.get(timer.element_id, []):
            node = by_id.get(target)
            definitions = [] if node is None else node.findall(
                f"{{{_BPMN['bpmn']}}}escalationEventDefinition")
            for ref in (d.get("escalationRef") for d in definitions):
                if ref is not None:
                    code = ref if codes.get(ref) is None else codes[ref]
        timers[timer.element_id] = {"attached_to": timer.attached_to, "escalation": code}
    return timers


def _ids(loaded: LoadedBpmn) -> dict[str, Any]:
    """Every element with an id, the first of each id as XPath's //*[@id=$x][1] would find."""
    found: dict[str, Any] = {}
    for element in loaded.tree.getroot().iter(tag=etree.Element):
        element_id = element.get("id")
        if element_id is not None:
            found.setdefault(element_id, element)
    return found


def _start_lane(loaded: LoadedBpmn, info: ProcessInfo) -> str | None:
    # From the ProcessInfo: searching the tree for each process cost processes × elements.
    return info.node_lane.get(info.start_event) if info.start_event else None


def _expression_problems(loaded: LoadedBpmn, info: ProcessInfo) -> list[Problem]:
    # Conditions and scripts are compiled and evaluated by engine.bpmn.lint.expression_checks
    # (through lint), which says in its own words what to fix; timers here.
    problems = []
    by_id: dict[str, Any] | None = None
    for timer in info.timers:
        element_id, text = timer.element_id, timer.expression
        try:
            check_expression(text)
        except ExpressionError as exc:
            by_id = _ids(loaded) if by_id is None else by_id  # once, and only when needed
            element = by_id.get(element_id)
            problems.append(
                _problem(
                    loaded.file,
                    None if element is None else element.sourceline,
                    element_id,
                    f"expression {text!r}: {exc}",
                    f"นิพจน์ {text!r} ใช้ไม่ได้: {exc}",
                )
            )
    return problems


def version_hash(bpmn: bytes, process_key: str, bundle: dict[str, Any]) -> str:
    digest = hashlib.sha256(bpmn)
    digest.update(process_key.encode("utf-8"))
    digest.update(json.dumps(bundle, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


@dataclass
class CheckedFile:
    raw: bytes
    loaded: LoadedBpmn | None
    problems: list[Problem]
    bundles: dict[str, dict[str, Any]]

    @property
    def ok(self) -> bool:
        return self.loaded is not None and not any(p.severity == "error" for p in self.problems)


def check_file(path: Path, processes_dir: Path) -> CheckedFile:
    """Run every check on one BPMN file: the report behind validate, deploy and upload."""
    return check_bytes(path.read_bytes(), path.name, processes_dir)


def check_bytes(raw: bytes, name: str, processes_dir: Path) -> CheckedFile:
    """The same checks on BPMN bytes not (yet) in a file, e.g. an upload being previewed."""
    try:
        loaded = load_bpmn(raw, name)
    except BpmnLoadError as exc:
        return CheckedFile(raw, None, bound_problems(exc.problems), {})
    problems = list(loaded.warnings)
    try:
        settings = read_settings(processes_dir)
    except SettingsError as exc:
        problems.append(_problem("processes.toml", None, None, str(exc), str(exc)))
        return CheckedFile(raw, loaded, problems, {})
    bundles = {}
    for pid in loaded.specs:
        try:
            info = loaded.processes[pid]
            bundles[pid] = build_bundle(loaded, info, processes_dir, settings.get(pid))
        except BpmnLoadError as exc:
            problems.extend(exc.problems)
    problems.extend(lint(loaded, bundles))
    return CheckedFile(raw, loaded, bound_problems(problems), bundles)


def deploy_directory(db: Database, processes_dir: Path, actor: str = "system") -> DeployReport:
    """Deploy every ``*.bpmn`` under ``processes_dir``; a new version only when content changed."""
    report = DeployReport()
    for path in sorted(processes_dir.glob("*.bpmn")):
        deploy_checked(db, check_file(path, processes_dir), actor, report)
    return report


def deploy_checked(db: Database, checked: CheckedFile, actor: str,
                   report: DeployReport | None = None) -> DeployReport:
    """Store the versions of one checked file, unless any check failed."""
    report = report if report is not None else DeployReport()
    report.problems.extend(checked.problems)
    if not checked.ok:
        return report
    for pid, bundle in checked.bundles.items():
        with db.write() as session:
            version, created = _store_version(session, checked, pid, bundle, actor)
        (report.deployed if created else report.unchanged).append((pid, version))
    return report


def _store_version(
    session: Session, checked: CheckedFile, pid: str, bundle: dict[str, Any], actor: str
) -> tuple[int, bool]:
    digest = version_hash(checked.raw, pid, bundle)
    existing = session.scalar(
        select(ProcessVersion).where(
            ProcessVersion.process_key == pid, ProcessVersion.version_hash == digest
        )
    )
    if existing is not None and existing.is_current:
        return existing.version, False
    session.execute(
        update(ProcessVersion).where(ProcessVersion.process_key == pid).values(is_current=False)
    )
    if existing is not None:
        # processes/ is the source of truth: a file put back to an earlier content
        # makes that earlier version current again rather than minting a duplicate.
        existing.is_current = True
        return existing.version, True
    latest = session.scalar(
        select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == pid)
    )
    row = ProcessVersion(
        process_key=pid,
        version=(latest or 0) + 1,
        version_hash=digest,
        name=bundle["name"],
        file_name=checked.loaded.file,  # deploy_checked stores only files that loaded
        bpmn_xml=checked.raw,
        bundle=bundle,
        is_current=True,
        deployed_by=actor,
    )
    session.add(row)
    session.flush()
    return row.version, True
