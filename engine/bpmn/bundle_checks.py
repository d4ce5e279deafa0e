"""Building a version's bundle from its BPMN and processes.toml, with every check on it.

``build_bundle`` collects the forms, lane roles, timers and settings a version needs
and raises BpmnLoadError listing every gap at once: a file that fails here is never
deployed, so nothing fails later in front of a person.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy.orm import InstrumentedAttribute

from engine.bpmn.bundle import ProcessBundle, TaskRule, TimerRule
from engine.bpmn.expressions.checks import check_expression
from engine.bpmn.forms import load_form
from engine.bpmn.lint.expression_sites import assigned_names
from engine.bpmn.loading.load import LoadedBpmn
from engine.bpmn.loading.process_info import ProcessInfo, UserTaskInfo
from engine.bpmn.problems import Problem
from engine.bpmn.process_settings import ProcessSettings
from engine.core.errors import BpmnLoadError, ExpressionError, FormFileError
from engine.core.limits import column_limit
from engine.core.models import ProcessVersion, Task


def problem(file: str, line: int | None, element_id: str | None, en: str, th: str) -> Problem:
    """A problem said in English and Thai."""
    return Problem(file=file, line=line, element_id=element_id, message=en, message_th=th)


def build_bundle(
    loaded: LoadedBpmn, info: ProcessInfo, processes_dir: Path, settings: ProcessSettings | None
) -> ProcessBundle:
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
            problems.append(problem(file, line, element_id, str(exc), f"แบบฟอร์มใช้ไม่ได้: {exc}"))

    tasks: dict[str, TaskRule] = {}
    for task in info.user_tasks.values():
        rule = lanes.get(task.lane_id or "")
        if rule is None:
            problems.append(_lane_problem(file, info, task))
        add_form(task.form, task.line, task.id)
        tasks[task.id] = TaskRule(
            name=task.name or task.id,
            lane_id=task.lane_id,
            lane_name=info.lanes.get(task.lane_id or "", None),
            role=rule.role if rule else None,
            requester_unit_only=bool(rule and rule.requester_unit_only),
            form=task.form,
            documentation=task.documentation or "",
            deadline_timers=_deadline_timers(info, task.id),
        )
    add_form(info.start_form, info.start_line, info.start_event)
    letters = dict(settings.letters) if settings else {}
    problems.extend(_letter_problems(file, info, letters, processes_dir))
    problems.extend(_step_problems(file, info, settings))
    problems.extend(_setting_problems(file, info, settings, forms))
    start_lane = _start_lane(loaded, info)
    start_rule = lanes.get(start_lane or "")
    problems.extend(_expression_problems(loaded, info))
    problems.extend(_length_problems(loaded, info))
    if problems:
        raise BpmnLoadError(problems)
    return ProcessBundle(
        name=info.name or info.process_id,
        start_form=info.start_form,
        forms=forms,
        tasks=tasks,
        lanes={lane: rule.role for lane, rule in lanes.items()},
        start_role=start_rule.role if start_rule else None,
        timers=_timer_escalations(loaded, info),
        escalations=dict(settings.escalations) if settings else {},
        supervisors=tuple(settings.supervisors) if settings else (),
        title_field=settings.title_field if settings else None,
        received_field=settings.received_field if settings else None,
        letters=letters,
        notify_owner=tuple(settings.notify_owner) if settings else (),
        publication_step=settings.publication_step if settings else None,
        settings=dict(settings.settings) if settings else {},
    )


def _lane_problem(file: str, info: ProcessInfo, task: UserTaskInfo) -> Problem:
    """A user task whose lane has no role: say which case it is and what to do."""
    name = task.name or task.id
    where = f"[{info.process_id}.lanes]"
    if not info.lanes:
        return problem(
            file, task.line, task.id,
            f"user task '{task.id}' cannot be given to anyone: process '{info.process_id}' has "
            f"no lanes. Add a lane for each role that works in it (in Camunda Modeler: "
            f"Add Lane) and name each lane id under {where} in processes.toml",
            f"งาน '{name}' ยังไม่มีผู้รับผิดชอบ เพราะกระบวนการ '{info.process_id}' ไม่มีช่องทำงาน "
            f"(lane) กรุณาเพิ่ม lane หนึ่งช่องต่อบทบาท (ใน Camunda Modeler: Add Lane) "
            f"แล้วระบุ id ของแต่ละ lane ไว้ใต้ {where} ใน processes.toml")
    if task.lane_id is None:
        return problem(
            file, task.line, task.id,
            f"user task '{task.id}' is in no lane; move it into the lane of the role that "
            f"does it (lanes are mapped to roles under {where} in processes.toml)",
            f"งาน '{name}' ไม่อยู่ในช่องทำงาน (lane) ใด กรุณาย้ายไปไว้ใน lane ของบทบาทที่ทำงานนี้ "
            f"(กำหนดบทบาทของ lane ไว้ใต้ {where} ใน processes.toml)")
    return problem(
        file, task.line, task.id,
        f"user task '{task.id}' is in lane '{task.lane_id}', which processes.toml "
        f"does not map to a role; add it under {where}",
        f"งาน '{name}' อยู่ในช่องทำงาน (lane) '{task.lane_id}' ที่ยังไม่ได้กำหนดบทบาท "
        f"ใน processes.toml กรุณาเพิ่มไว้ใต้ {where}")


def _length_problems(loaded: LoadedBpmn, info: ProcessInfo) -> list[Problem]:
    """The names a version row and the inbox keep must fit their columns: a longer one
    would deploy, then fail every case with a database error on PostgreSQL."""
    name, ident = ("name", "ชื่อ"), ("id", "รหัส (id)")
    texts: list[tuple[str, tuple[str, str], str, InstrumentedAttribute[Any]]] = [
        (info.process_id, name, info.name or "", ProcessVersion.name)]
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
            problems.append(problem(
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
    return [problem(file, info.line, task,
                     f"processes.toml [{info.process_id}] {key} names '{task}', which is not a "
                     "user task of this process",
                     f"processes.toml [{info.process_id}] {key} อ้างถึงงาน '{task}' "
                     "ซึ่งไม่มีในกระบวนงานนี้")
            for key, task in named if task not in info.user_tasks]


def _setting_problems(file: str, info: ProcessInfo, settings: ProcessSettings | None,
                      forms: dict[str, Any]) -> list[Problem]:
    """A named setting is the only thing that sets its name: a script task or a form field
    of the same name would replace the value the settings page shows, unseen."""
    named = settings.settings if settings else {}
    if not named:
        return []
    problems = []
    for task_id, script in info.script_tasks.items():
        for name in sorted(assigned_names(script) & set(named)):
            problems.append(problem(
                file, info.line, task_id,
                f"script task '{task_id}' sets {name}, which is a setting of the process "
                f"(processes.toml [{info.process_id}.settings.{name}]): remove it from the "
                "script; each new case starts with the setting's value",
                f"สคริปต์ '{task_id}' กำหนดค่า {name} ซึ่งเป็นค่ากำหนดของกระบวนงาน "
                f"(processes.toml [{info.process_id}.settings.{name}]) กรุณาลบออกจากสคริปต์ "
                "เรื่องใหม่ทุกเรื่องจะได้ค่านี้จากค่ากำหนดเอง"))
    for path, schema in forms.items():
        for name in sorted(set((schema or {}).get("properties") or {}) & set(named)):
            problems.append(problem(
                file, info.line, info.process_id,
                f"the form {path} has a field {name}, the name of a setting of the process: "
                "rename the field",
                f"แบบฟอร์ม {path} มีช่อง {name} ซึ่งซ้ำกับชื่อค่ากำหนดของกระบวนงาน "
                "กรุณาเปลี่ยนชื่อช่อง"))
    return problems


def _letter_problems(file: str, info: ProcessInfo, letters: dict[str, str],
                     processes_dir: Path) -> list[Problem]:
    """Letters named in processes.toml must be known kinds of user tasks of the process,
    and their templates must fill: a broken template is caught at deploy, not at the
    moment a letter is due."""
    from engine.documents.letters import LETTER_KINDS, check_letter_templates

    problems = [problem(file, info.line, info.process_id, text, text)
                for text in (check_letter_templates(processes_dir) if letters else [])]
    for task_id, kind in letters.items():
        if task_id not in info.user_tasks:
            problems.append(problem(
                file, info.line, task_id,
                f"processes.toml [{info.process_id}.letters] names '{task_id}', which is not a "
                "user task of this process",
                f"processes.toml [{info.process_id}.letters] อ้างถึงงาน '{task_id}' "
                "ซึ่งไม่มีในกระบวนงานนี้"))
        if kind not in LETTER_KINDS:
            problems.append(problem(
                file, info.line, task_id,
                f"processes.toml [{info.process_id}.letters]: unknown letter '{kind}'; "
                f"known: {', '.join(sorted(LETTER_KINDS))}",
                f"processes.toml [{info.process_id}.letters]: ไม่รู้จักหนังสือ '{kind}'"))
    return problems


def _deadline_timers(info: ProcessInfo, task_id: str) -> tuple[str, ...]:
    """The boundary timers whose earliest due time is the task's ``due_at``.

    With one attached timer it is that one; with several (a reminder, escalations)
    they are those computed by ``deadline_after``: the first of them is the deadline.
    """
    attached = [t for t in info.timers if t.attached_to == task_id]
    if len(attached) > 1:
        attached = [t for t in attached if "deadline_after" in t.expression] or attached
    return tuple(t.element_id for t in attached)


_BPMN = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def _timer_escalations(loaded: LoadedBpmn, info: ProcessInfo) -> dict[str, TimerRule]:
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
    timers: dict[str, TimerRule] = {}
    for timer in attached:
        code = None
        for target in targets.get(timer.element_id, []):
            node = by_id.get(target)
            definitions = [] if node is None else node.findall(
                f"{{{_BPMN['bpmn']}}}escalationEventDefinition")
            for ref in (d.get("escalationRef") for d in definitions):
                if ref is not None:
                    code = ref if codes.get(ref) is None else codes[ref]
        timers[timer.element_id] = TimerRule(timer.attached_to, code)
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
                problem(
                    loaded.file,
                    None if element is None else element.sourceline,
                    element_id,
                    f"expression {text!r}: {exc}",
                    f"นิพจน์ {text!r} ใช้ไม่ได้: {exc}",
                )
            )
    return problems
