"""Deploy-time check of every condition and script govflow will run: one the
restricted evaluator can never evaluate is refused at deploy, instead of stopping a case
in error when it reaches it.

SpiffWorkflow evaluates gateway conditions, scripts, loop conditions and the like
through the restricted evaluator (`engine.bpmn.expressions`) only when a case reaches
them; one the evaluator refuses stops that case in error. So each of them is
compiled and evaluated here, on sample values of the process's forms, and one
that can never evaluate is an error at deploy:

* not Python syntax, or outside the evaluator's whitelist;
* beyond the evaluator's limits (a huge exponent, too long, nested too deeply)
  on every sample;
* naming a variable that no form field, no script and nothing govflow or
  SpiffWorkflow puts in the case data sets.

One that fails on every sample for a reason of data only (comparing text with a
number) is a warning: the samples may not be what the office types. Timers are
checked by `engine.bpmn.lint.timers`. Every step is one pass over the process
or bounded per expression, so the check stays linear in the file's size.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from lxml import etree

from engine.bpmn.expressions.environment import make_script_engine
from engine.bpmn.lint.expression_samples import Samples, form_fields, sample_scopes
from engine.bpmn.lint.expression_sites import (
    Site,
    assigned_names,
    data_names,
    expression_sites,
    read_names,
)
from engine.bpmn.lint.samples import Scope
from engine.bpmn.problems import Problem
from engine.core.errors import (
    ExpressionError,
    ExpressionLimitError,
    ExpressionSyntaxError,
    UnknownVariableError,
)
from engine.core.personal_data import derived_flags, personal_fields
from engine.thai.workdays import WorkingCalendar, bpmn_helpers

__all__ = ["check_expressions"]

#: Unknown names given spelling suggestions at most (difflib is not linear).
_MAX_SUGGESTED = 20
_KNOWN_SHOWN = 12


@dataclass
class _Context:
    file: str
    environment: Any
    known: set[str] | None  # None: no bundle, so unknown names cannot be judged
    personal: set[str]
    flags: list[str]
    suggested: int = 0
    _sorted: list[str] | None = None

    def sorted_known(self) -> list[str]:
        # Sorted once per process, not once per problem: the check stays n·log n.
        if self._sorted is None:
            self._sorted = sorted(self.known or ())
        return self._sorted


def check_expressions(
    file: str, process: etree._Element, process_id: str, bundle: Mapping[str, Any] | None
) -> list[Problem]:
    """Compile and evaluate every condition and script of one executable process.

    Without its bundle (its forms could not be read, already reported) names are not
    judged: every one would be "unknown".
    """
    sites = list(expression_sites(process))
    if not sites:
        return []
    environment = make_script_engine(bpmn_helpers(WorkingCalendar())).environment
    personal = set(personal_fields(process_id, ((bundle or {}).get("forms") or {}).values()))
    fields = form_fields(bundle or {}, personal)
    errors = [_compile_error(environment, site) for site in sites]
    scripts = [site for site, error in zip(sites, errors, strict=True)
               if site.is_script and error is None]
    position = {id(site): index for index, site in enumerate(scripts)}
    flags = derived_flags(process_id, {})
    known = None
    if bundle is not None:
        known = set(fields) | set(flags) | data_names(process)
        for site in sites:
            if site.is_script:
                known |= assigned_names(site.text)
    context = _Context(file, environment, known, personal, sorted(flags))
    samples = Samples(sample_scopes(fields), scripts, environment)
    problems = []
    for site, error in zip(sites, errors, strict=True):
        if error is not None:
            problem: Problem | None = _compile_problem(context, site, error)
        else:
            problem = _names_problem(context, site) or _run_problem(
                context, site, samples, position.get(id(site)))
        if problem is not None:
            problems.append(problem)
    return problems


def _compile_error(environment: Any, site: Site) -> ExpressionError | None:
    check = environment.check_script if site.is_script else environment.check_expression
    try:
        check(site.text)
    except ExpressionError as exc:
        return exc
    return None


def _problem(context: _Context, site: Site, en: str, th: str,
             severity: Literal["error", "warning"] = "error") -> Problem:
    return Problem(context.file, site.element.sourceline, site.element_id, en, th, severity)


def _where(site: Site) -> tuple[str, str]:
    owner = site.element_id or "?"
    return f"the {site.what_en} of {owner}", f"{site.what_th}ของ {owner} "


def _halves(error: ExpressionError) -> tuple[str, str]:
    """The evaluator's own (Thai / English) words, split."""
    thai, _sep, english = str(error).partition(" / ")
    return english or thai, thai


_STOPS_EN = "a case would stop in error when it reaches it"
_STOPS_TH = "เรื่องที่มาถึงจุดนี้จะหยุดทำงานด้วยข้อผิดพลาด"
_LIMITS_EN = ("numbers up to 10**100, texts and lists up to 10,000 characters or items, "
              "at most 10,000 characters and 100 levels of nesting")
_LIMITS_TH = ("ตัวเลขไม่เกิน 10**100 ข้อความและรายการไม่เกิน 10,000 ตัวอักษรหรือรายการ "
              "นิพจน์ยาวไม่เกิน 10,000 ตัวอักษรและซ้อนกันไม่เกิน 100 ชั้น")


def _limits_problem(context: _Context, site: Site) -> Problem:
    where_en, where_th = _where(site)
    return _problem(
        context, site,
        f"{where_en} goes beyond what govflow's evaluator allows ({_LIMITS_EN}): "
        f"{_STOPS_EN}; make it smaller or simpler",
        f"{where_th}เกินขีดจำกัดของตัวประมวลผลนิพจน์ของ govflow ({_LIMITS_TH}) "
        f"{_STOPS_TH} กรุณาทำให้เล็กลงหรือง่ายขึ้น",
    )


def _compile_problem(context: _Context, site: Site, error: ExpressionError) -> Problem:
    where_en, where_th = _where(site)
    if isinstance(error, ExpressionLimitError):
        return _limits_problem(context, site)
    if isinstance(error, ExpressionSyntaxError):
        at_en = at_th = ""
        if error.line:
            at_en, at_th = f" at line {error.line}", f" ที่บรรทัด {error.line}"
        if error.line and error.column:
            at_en += f", column {error.column}"
            at_th += f" คอลัมน์ {error.column}"
        example = "days = 3" if site.is_script else 'decision == "approve"'
        return _problem(
            context, site,
            f"{where_en} is not valid expression syntax{at_en}: write it in Python "
            f"syntax, e.g. {example}",
            f"{where_th}เขียนไม่ถูกไวยากรณ์{at_th} กรุณาเขียนตามไวยากรณ์ภาษา Python "
            f"เช่น {example}",
        )
    en, th = _halves(error)
    return _problem(
        context, site,
        f"{where_en} uses what govflow does not run: {en}",
        f"{where_th}ใช้สิ่งที่ govflow ไม่รองรับ: {th}",
    )


def _names_problem(context: _Context, site: Site) -> Problem | None:
    if context.known is None:
        return None
    unknown = [name for name in read_names(site) if name not in context.known]
    if not unknown:
        return None
    where_en, where_th = _where(site)
    secret = [name for name in unknown if name in context.personal]
    if secret:
        names = ", ".join(secret)
        flags = ", ".join(context.flags) or "-"
        return _problem(
            context, site,
            f"{where_en} reads {names}: personal data, which govflow keeps encrypted "
            f"outside the case data, so no condition or script can read it; use {flags}",
            f"{where_th}อ่านค่า {names} ซึ่งเป็นข้อมูลส่วนบุคคลที่ govflow เข้ารหัสเก็บไว้นอกข้อมูล"
            f"ของเรื่อง เงื่อนไขและสคริปต์จึงอ่านไม่ได้ กรุณาใช้ {flags} แทน",
        )
    names = ", ".join(unknown)
    hint_en, hint_th = _suggestions(context, unknown)
    return _problem(
        context, site,
        f"{where_en} uses {names}, which no form field, no script and nothing govflow "
        f"sets: {_STOPS_EN}; correct the name{hint_en} or set it in a script task",
        f"{where_th}ใช้ตัวแปร {names} ซึ่งไม่มีในช่องของแบบฟอร์ม สคริปต์ หรือข้อมูลที่ govflow "
        f"กำหนดให้ {_STOPS_TH} กรุณาแก้ชื่อให้ถูกต้อง{hint_th} หรือกำหนดค่าในงานสคริปต์",
    )


def _suggestions(context: _Context, unknown: list[str]) -> tuple[str, str]:
    known = context.sorted_known()
    if not known:
        return "", ""
    if context.suggested < _MAX_SUGGESTED:
        context.suggested += 1
        close = [m for name in unknown for m in difflib.get_close_matches(name, known, 1)]
        if close:
            listed = ", ".join(dict.fromkeys(close))
            return f" (did you mean {listed}?)", f" (หรือหมายถึง {listed})"
    listed = ", ".join(known[:_KNOWN_SHOWN]) + (", …" if len(known) > _KNOWN_SHOWN else "")
    return f" (known: {listed})", f" (ตัวแปรที่มี: {listed})"


def _run_problem(context: _Context, site: Site, samples: Samples,
                 position: int | None) -> Problem | None:
    """Evaluate on the sample sets until one succeeds; judge the failures if none does."""
    failures: list[Exception] = []
    for k in range(len(samples)):
        scope, script_failures = samples.get(k)
        if position is not None:
            failure = script_failures.get(position)
        else:
            failure = _evaluate(context.environment, site.text, scope)
        if failure is None:
            return None
        failures.append(failure)
    if any(isinstance(f, ExpressionLimitError) for f in failures):
        return _limits_problem(context, site)
    if any(isinstance(f, UnknownVariableError) for f in failures):
        return None  # a name set only where no sample reaches (data objects, later scripts)
    if all(isinstance(f, ExpressionError) for f in failures):
        # Refused only at run time whatever the data, e.g. '%' on a text literal.
        where_en, where_th = _where(site)
        en, th = _halves(failures[0])  # type: ignore[arg-type]
        return _problem(context, site, f"{where_en} uses what govflow does not run: {en}",
                        f"{where_th}ใช้สิ่งที่ govflow ไม่รองรับ: {th}")
    return _data_problem(context, site, next(
        f for f in failures if not isinstance(f, ExpressionError)))


def _evaluate(environment: Any, text: str, scope: Scope) -> Exception | None:
    try:
        # Evaluating never writes to the data, so the sample set is not copied.
        environment.evaluate(text, scope)
    except Exception as exc:  # noqa: BLE001 - judged by the caller, never shown raw
        return exc
    return None


_DATA_WORDS: dict[type[Exception], tuple[str, str]] = {
    TypeError: ("values of different types, e.g. text compared with a number",
                "ค่าต่างชนิดกัน เช่น เปรียบเทียบข้อความกับตัวเลข"),
    KeyError: ("a key that is not in the value", "คีย์ที่ไม่มีในค่านั้น"),
    IndexError: ("a position past the end of a list or text",
                 "ตำแหน่งที่เกินความยาวของรายการหรือข้อความ"),
    ZeroDivisionError: ("a division by zero", "การหารด้วยศูนย์"),
    ValueError: ("a value a function refused, e.g. a text that is not a date",
                 "ค่าที่ฟังก์ชันไม่รับ เช่น ข้อความที่ไม่ใช่วันที่"),
}


def _data_problem(context: _Context, site: Site, failure: Exception) -> Problem:
    why_en, why_th = next(
        (words for kind, words in _DATA_WORDS.items() if isinstance(failure, kind)),
        ("an error", "ข้อผิดพลาด"),
    )
    where_en, where_th = _where(site)
    return _problem(
        context, site,
        f"{where_en} failed on every sample of the forms' values ({why_en}): check that "
        "it works with the values the forms allow",
        f"{where_th}ทำงานไม่ได้กับค่าตัวอย่างทุกชุดจากแบบฟอร์ม ({why_th}) "
        "กรุณาตรวจว่าใช้ได้กับค่าที่แบบฟอร์มอนุญาต",
        "warning",
    )
