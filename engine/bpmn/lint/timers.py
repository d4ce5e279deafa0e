"""Every timer expression evaluates, in the restricted evaluator and on sample data, to
an ISO 8601 value SpiffWorkflow accepts."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.bpmn.expressions.checks import check_expression, check_script
from engine.bpmn.expressions.environment import make_script_engine
from engine.bpmn.lint.samples import SAMPLE_DATETIME, Scope, form_data
from engine.bpmn.loading.process_info import ProcessInfo, TimerInfo
from engine.bpmn.problems import Problem, problem_at
from engine.core.errors import ExpressionError
from engine.thai.workdays import WorkingCalendar, bpmn_helpers

__all__ = ["check_timers"]

# Looks like an ISO 8601 duration, cycle or date written without quotes.
_BARE_ISO = re.compile(r"(?i)\s*(P[\dT]\S*|R\d*/\S*|\d{4}-\d\d-\d\d\S*)\s*")


def check_timers(
    file: str, process: etree._Element, info: ProcessInfo, bundle: Mapping[str, Any]
) -> list[Problem]:
    """Evaluate each timer on sample data from the forms, after the script tasks."""
    if not info.timers:
        return []
    environment = make_script_engine(bpmn_helpers(WorkingCalendar())).environment
    context = form_data(bundle)
    problems = _run_scripts(file, process, info, environment, context)
    for timer in info.timers:
        problem = _check_timer(file, timer, environment, context)
        if problem is not None:
            problems.append(problem)
    return problems


def _run_scripts(
    file: str, process: etree._Element, info: ProcessInfo, environment: Any, context: Scope
) -> list[Problem]:
    problems = []
    for task_id, script in info.script_tasks.items():  # document order
        try:
            check_script(script)
        except ExpressionError:
            continue  # reported by engine.bpmn.definitions
        try:
            environment.execute(script, context)
        except Exception as exc:  # noqa: BLE001 - a report, never a traceback
            en, th = _split_error(exc)
            task = process.xpath(".//*[@id=$i]", i=task_id)
            problems.append(problem_at(
                file, task[0] if task else None, task_id,
                f"script task {task_id} failed on sample data ({en}); "
                "timers after it were checked without its results",
                f"สคริปต์ {task_id} ทำงานกับข้อมูลตัวอย่างไม่สำเร็จ ({th}) "
                "จึงตรวจตัวจับเวลาโดยไม่มีผลของสคริปต์นี้",
                "warning",
            ))
    return problems


def _split_error(exc: Exception) -> tuple[str, str]:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, ExpressionError) and " / " in text:
        th, en = text.split(" / ", 1)
        return en, th
    if not isinstance(exc, ValueError):
        text = f"{type(exc).__name__}: {text}"
    return text, text


def _check_timer(
    file: str, timer: TimerInfo, environment: Any, context: Scope
) -> Problem | None:
    expr = timer.expression
    try:
        check_expression(expr)
    except ExpressionError:
        return None  # outside the whitelist: reported by engine.bpmn.definitions
    try:
        value = environment.evaluate(expr, dict(context))
    except Exception as exc:  # noqa: BLE001
        return _timer_failed(file, timer, exc)
    en_th = _TIMER_CHECKS[timer.kind](value)
    if en_th is None:
        return None
    en, th = en_th
    return Problem(
        file, timer.line, timer.element_id,
        f"timer {timer.kind} {expr!r} gives {value!r}: {en}",
        f"ตัวจับเวลา {timer.kind} {expr!r} ได้ค่า {value!r}: {th}",
    )


def _timer_failed(file: str, timer: TimerInfo, exc: Exception) -> Problem:
    expr = timer.expression
    if _BARE_ISO.fullmatch(expr):
        quoted = expr.strip()
        return Problem(
            file, timer.line, timer.element_id,
            f"timer {timer.kind} {expr!r}: put ISO durations in quotes: \"{quoted}\"",
            f"ตัวจับเวลา {timer.kind} {expr!r}: ค่าตามมาตรฐาน ISO ต้องอยู่ในเครื่องหมายคำพูด "
            f"เช่น \"{quoted}\"",
        )
    en, th = _split_error(exc)
    return Problem(
        file, timer.line, timer.element_id,
        f"timer {timer.kind} {expr!r} cannot be evaluated on sample data: {en}",
        f"คำนวณตัวจับเวลา {timer.kind} {expr!r} กับข้อมูลตัวอย่างไม่ได้: {th}",
    )


Verdict = tuple[str, str] | None


def _not_text(value: Any, example: str) -> Verdict:
    if isinstance(value, str):
        return None
    return (f"it must be text such as \"{example}\"",
            f"ต้องเป็นข้อความ เช่น \"{example}\"")


def _time_date(value: Any) -> Verdict:
    wrong = _not_text(value, SAMPLE_DATETIME)
    if wrong:
        return wrong
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return ("not an ISO 8601 date-time, e.g. \"2026-01-05T16:30:00+07:00\"",
                "ไม่ใช่วันเวลาตาม ISO 8601 เช่น \"2026-01-05T16:30:00+07:00\"")
    if moment.tzinfo is None:
        return ("give the offset, e.g. +07:00 — SpiffWorkflow would read it in the "
                "server's time zone",
                "ต้องระบุเขตเวลา เช่น +07:00 มิฉะนั้น SpiffWorkflow จะใช้เขตเวลาของเครื่องแม่ข่าย")
    return None


def _time_duration(value: Any) -> Verdict:
    wrong = _not_text(value, "PT1H")
    if wrong:
        return wrong
    bad = ("not an ISO 8601 duration, e.g. \"P3D\" or \"PT1H\"",
           "ไม่ใช่ระยะเวลาตาม ISO 8601 เช่น \"P3D\" หรือ \"PT1H\"")
    if not value.strip().upper().startswith("P"):
        return bad
    try:
        parsed = TimerEventDefinition.parse_iso_duration(value)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises a bare Exception
        return bad
    return None if parsed else bad


def _time_cycle(value: Any) -> Verdict:
    wrong = _not_text(value, "R3/PT1H")
    if wrong:
        return wrong
    bad = ("not an ISO 8601 repeating interval, e.g. \"R3/PT1H\"",
           "ไม่ใช่ช่วงเวลาซ้ำตาม ISO 8601 เช่น \"R3/PT1H\"")
    if not value.strip().upper().startswith("R"):
        return bad
    try:
        TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:  # noqa: BLE001
        return bad
    return None


_TIMER_CHECKS: dict[str, Callable[[Any], Verdict]] = {
    "timeDate": _time_date,
    "timeDuration": _time_duration,
    "timeCycle": _time_cycle,
}
