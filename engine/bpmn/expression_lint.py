"""Deploy-time check of every condition and script govflow will run (issue 13, item 11).

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
checked by `engine.bpmn.lint.check_timers`. Every step is one pass over the process
or bounded per expression, so the check stays linear in the file's size.
"""

from __future__ import annotations

import ast
import difflib
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from lxml import etree

from engine.bpmn.expressions.environment import make_script_engine
from engine.bpmn.lint import sample_value
from engine.bpmn.problems import Problem
from engine.bpmn.xml_names import BPMN_NS, SPIFF_NS
from engine.core.errors import (
    ExpressionError,
    ExpressionLimitError,
    ExpressionSyntaxError,
    UnknownVariableError,
)
from engine.core.personal_data import derived_flags, personal_fields
from engine.thai.workdays import WorkingCalendar, bpmn_helpers

__all__ = ["MAX_SAMPLES", "Site", "check_expressions", "expression_sites", "sample_scopes"]

#: Sample data sets tried at most: enough for every choice of a usual list field.
MAX_SAMPLES = 32
#: Unknown names given spelling suggestions at most (difflib is not linear).
_MAX_SUGGESTED = 20
_KNOWN_SHOWN = 12
#: Longest script read for its assignments when the evaluator refused it (its own limit).
_MAX_PARSED = 10_000

Scope = dict[str, Any]


@dataclass(frozen=True)
class Site:
    """One expression or script in the file, with what to call it in a message."""

    element: etree._Element  # the expression's own element: its line is reported
    element_id: str | None  # the flow, task or event it belongs to
    what_en: str
    what_th: str
    text: str
    is_script: bool


# --------------------------------------------------------------------- sites

def _bpmn(name: str) -> str:
    return f"{{{BPMN_NS}}}{name}"


def _spiff(name: str) -> str:
    return f"{{{SPIFF_NS}}}{name}"


# tag → (English, Thai, is a script, levels up to the element that carries the id)
_SITE_TAGS: dict[str, tuple[str, str, bool, int]] = {
    _bpmn("conditionExpression"): ("condition", "เงื่อนไข", False, 1),
    _bpmn("script"): ("script", "สคริปต์", True, 1),
    _spiff("preScript"): ("pre-script", "สคริปต์ก่อนเริ่มงาน (preScript)", True, 2),
    _spiff("postScript"): ("post-script", "สคริปต์หลังจบงาน (postScript)", True, 2),
    _bpmn("loopCondition"): ("loop condition", "เงื่อนไขการวนซ้ำ", False, 2),
    _bpmn("loopCardinality"): ("multi-instance count (loopCardinality)",
                               "จำนวนรอบของงานแบบ multi-instance (loopCardinality)", False, 2),
    _bpmn("completionCondition"): ("completion condition", "เงื่อนไขการสิ้นสุด", False, 2),
    _bpmn("condition"): ("condition of the conditional event",
                         "เงื่อนไขของเหตุการณ์แบบมีเงื่อนไข", False, 2),
    _spiff("payloadExpression"): ("payload expression", "ค่าที่ส่งไปกับเหตุการณ์", False, 3),
}

# Elements whose id or name SpiffWorkflow puts in the task data (data objects,
# multi-instance items, a caught event's variable).
_DATA_TAGS = tuple(_bpmn(t) for t in (
    "dataObject", "dataInput", "dataOutput", "inputDataItem", "outputDataItem",
))
_DATA_TEXT_TAGS = (_bpmn("loopDataInputRef"), _bpmn("loopDataOutputRef"), _spiff("variableName"))


def _owner(element: etree._Element, levels: int) -> etree._Element:
    owner = element
    for _ in range(levels):
        parent = owner.getparent()
        if parent is None:
            break
        owner = parent
    return owner


def expression_sites(process: etree._Element) -> Iterator[Site]:
    """Every expression and script of the process, in document order (timers aside)."""
    for element in process.iter(*_SITE_TAGS):
        what_en, what_th, is_script, levels = _SITE_TAGS[element.tag]
        if element.tag == _bpmn("script") and _owner(element, 1).tag != _bpmn("scriptTask"):
            continue
        yield Site(element, _owner(element, levels).get("id"), what_en, what_th,
                   element.text or "", is_script)


def _data_names(process: etree._Element) -> set[str]:
    names: set[str] = set()
    for element in process.iter(*_DATA_TAGS, *_DATA_TEXT_TAGS):
        if element.tag in _DATA_TEXT_TAGS:
            names.add((element.text or "").strip())
        else:
            names.update(filter(None, (element.get("id"), element.get("name"))))
    return names


# -------------------------------------------------------------- sample data

def _choices(schema: Mapping[str, Any]) -> list[Any]:
    """Every value worth trying for one form field: each choice of a list, both booleans."""
    if "const" in schema:
        return [schema["const"]]
    if schema.get("enum"):
        return list(schema["enum"])
    for key in ("oneOf", "anyOf"):
        options = [c for c in schema.get(key) or [] if isinstance(c, Mapping)]
        if options:
            return [value for option in options for value in _choices(option)]
    kind = schema.get("type")
    if kind == "boolean" or (isinstance(kind, list) and "boolean" in kind):
        return [True, False]
    return [sample_value(schema)]


def _form_fields(bundle: Mapping[str, Any], hidden: set[str]) -> dict[str, list[Any]]:
    """Each field of the process's forms with the values to try (personal data left out:
    it is taken out of the case data before the workflow runs)."""
    forms = bundle.get("forms") or {}
    names = [bundle.get("start_form")]
    names += [task.get("form") for task in (bundle.get("tasks") or {}).values()]
    fields: dict[str, list[Any]] = {}
    for name in names:
        schema = forms.get(name) if name else None
        properties = (schema or {}).get("properties") or {}
        for field, prop in properties.items():
            if isinstance(prop, Mapping) and field not in hidden and field not in fields:
                fields[field] = _choices(prop) or [None]
    return fields


def sample_scopes(fields: Mapping[str, list[Any]]) -> list[Scope]:
    """Sample data sets: set k gives each field its k-th value (cycling), so every choice
    of every field is tried once, in at most MAX_SAMPLES sets."""
    count = min(MAX_SAMPLES, max((len(values) for values in fields.values()), default=1))
    return [
        {field: values[k % len(values)] for field, values in fields.items()}
        for k in range(count)
    ]


class _Samples:
    """Sample sets with every script run on them in document order, built when first needed.

    Most expressions evaluate on the first set, so usually only that one is built.
    """

    def __init__(self, bases: list[Scope], scripts: list[Site], environment: Any) -> None:
        self._bases = bases
        # What each script reads and sets: it runs on just what it reads, since the
        # evaluator copies the data it is given (all the data: quadratic in the scripts).
        self._scripts = [(site.text, _read_names(site), _assigned(site.text)) for site in scripts]
        self._environment = environment
        self._built: list[tuple[Scope, dict[int, Exception]]] = []

    def __len__(self) -> int:
        return len(self._bases)

    def get(self, k: int) -> tuple[Scope, dict[int, Exception]]:
        """Set k after the scripts, and what each script (by position) raised on it."""
        while len(self._built) <= k:
            scope = dict(self._bases[len(self._built)])
            failures: dict[int, Exception] = {}
            for index, (text, reads, sets) in enumerate(self._scripts):
                data = {name: scope[name] for name in reads if name in scope}
                try:
                    self._environment.execute(text, data)
                except Exception as exc:  # noqa: BLE001 - judged per script below
                    failures[index] = exc
                    continue
                scope.update((name, data[name]) for name in sets if name in data)
            self._built.append((scope, failures))
        return self._built[k]


# ------------------------------------------------------------------ checking

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
    personal = set(personal_fields(process_id))
    fields = _form_fields(bundle or {}, personal)
    errors = [_compile_error(environment, site) for site in sites]
    scripts = [site for site, error in zip(sites, errors, strict=True)
               if site.is_script and error is None]
    position = {id(site): index for index, site in enumerate(scripts)}
    flags = derived_flags(process_id, {})
    known = None
    if bundle is not None:
        known = set(fields) | set(flags) | _data_names(process)
        for site in sites:
            if site.is_script:
                known |= _assigned(site.text)
    context = _Context(file, environment, known, personal, sorted(flags))
    samples = _Samples(sample_scopes(fields), scripts, environment)
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


def _tree(site: Site) -> ast.AST:
    # Only called once the evaluator compiled the text, so it parses and is bounded.
    if site.is_script:
        return ast.parse(textwrap.dedent(site.text).strip(), mode="exec")
    return ast.parse(site.text.strip(), mode="eval")


def _assigned(script: str) -> set[str]:
    """Names a script assigns; also read from a script the evaluator refuses, so that its
    refusal is reported once, not again at every use of what it would set."""
    if len(script) > _MAX_PARSED:
        return set()
    try:
        tree = ast.parse(textwrap.dedent(script).strip(), mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    return {
        node.id for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }


def _read_names(site: Site) -> list[str]:
    """Variables the text reads (called helpers are not variables; `n += 1` reads n)."""
    tree = _tree(site)
    skipped: set[int] = set()
    names: dict[str, None] = {}
    for node in ast.walk(tree):  # parents come before their children
        if isinstance(node, ast.Call):
            skipped.add(id(node.func))
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            names.setdefault(node.target.id)
        elif (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
              and id(node) not in skipped):
            names.setdefault(node.id)
    return list(names)


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
    unknown = [name for name in _read_names(site) if name not in context.known]
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


def _run_problem(context: _Context, site: Site, samples: _Samples,
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
