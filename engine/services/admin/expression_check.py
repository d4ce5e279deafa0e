"""An expression checked as a process owner types it in the editor's side panel.

The same restricted evaluator that runs conditions and timers (``engine.bpmn.expressions``)
compiles it, so what passes here is what a case can run; the names it reads are then
checked against the variables the editor knows (the fields of the process's forms and its
settings), so a misspelt field is caught before the file is saved.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable
from typing import Any

from engine.bpmn.expressions.checks import DEFAULT_HELPER_NAMES, check_expression
from engine.core.actors import Actor
from engine.core.errors import ExpressionError, Forbidden, InvalidData
from engine.services.admin.versions import OWNER_ROLES

#: The editor sends at most this many known names (forms and settings are far fewer).
MAX_VARIABLES = 2000


def check_typed_expression(actor: Actor | None, expression: Any,
                           variables: Any) -> dict[str, Any]:
    """{"ok", "message" (English), "message_th"} for one condition or timer expression."""
    if actor is not None and actor.roles.isdisjoint(OWNER_ROLES):
        raise Forbidden("เฉพาะผู้ดูแลกระบวนงาน / process owners only")
    known = _known_names(variables)
    if not isinstance(expression, str):
        raise InvalidData("expression ต้องเป็นข้อความ / expression must be a string",
                          {"expression": "ข้อความ / a string"})
    text = expression.strip()
    if not text:
        return _answer(False, "กรุณาเขียนเงื่อนไข เช่น decision == \"approve\"",
                       "Write a condition, e.g. decision == \"approve\"")
    try:
        check_expression(text)
    except ExpressionError as error:
        thai, _sep, english = str(error).partition(" / ")
        return _answer(False, thai, english or thai)
    unknown = [name for name in _read_names(text) if name not in known]
    if unknown:
        return _unknown(unknown, sorted(known))
    return _answer(True, "ใช้ได้", "OK")


def _known_names(variables: Any) -> set[str]:
    if variables is None:
        return set()
    if (not isinstance(variables, list) or len(variables) > MAX_VARIABLES
            or not all(isinstance(v, str) for v in variables)):
        raise InvalidData("variables ต้องเป็นรายการชื่อ / variables must be a list of names",
                          {"variables": f"≤ {MAX_VARIABLES}"})
    return set(variables)


def _read_names(text: str) -> list[str]:
    """Variables the expression reads; called helpers are not variables. Only called once
    the evaluator compiled the text, so it parses and is bounded."""
    tree = ast.parse(text, mode="eval")
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    names: dict[str, None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in called:
            names.setdefault(node.id)
    return [name for name in names if name not in DEFAULT_HELPER_NAMES]


def _unknown(unknown: Iterable[str], known: list[str]) -> dict[str, Any]:
    names = ", ".join(unknown)
    close = [match for name in unknown for match in difflib.get_close_matches(name, known, 1)]
    hint_th = f" หรือหมายถึง {', '.join(dict.fromkeys(close))}" if close else ""
    hint_en = f" (did you mean {', '.join(dict.fromkeys(close))}?)" if close else ""
    return _answer(
        False,
        f"ไม่มีช่อง {names} ในแบบฟอร์มหรือค่าตั้งของกระบวนงาน{hint_th}",
        f"no form field or process setting is called {names}{hint_en}",
    )


def _answer(ok: bool, thai: str, english: str) -> dict[str, Any]:
    return {"ok": ok, "message": english, "message_th": thai}
