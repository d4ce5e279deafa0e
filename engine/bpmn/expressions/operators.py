"""The operators expressions may use, each guarded so that no result grows past the limits
(checked before computing where computing itself would be the harm)."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

from engine.bpmn.expressions.limits import MAX_INT_BITS, MAX_ITEMS, bounded, too_big, weight
from engine.bpmn.expressions.refusals import refuse

__all__ = ["BINARY", "COMPARE", "UNARY"]

_SEQUENCES = (str, bytes, list, tuple)


def _mul(left: Any, right: Any) -> Any:
    # Checked before multiplying: "a" * 10**9 must never be allocated.
    if isinstance(left, _SEQUENCES) and isinstance(right, int):
        _check_repeat(left, right)
    elif isinstance(right, _SEQUENCES) and isinstance(left, int):
        _check_repeat(right, left)
    return bounded(left * right, "'*'")


def _check_repeat(sequence: Any, times: int) -> None:
    if times > 0 and weight(sequence) * min(times, MAX_ITEMS + 1) > MAX_ITEMS:
        raise too_big("'*'")


def _pow(base: Any, exponent: Any) -> Any:
    # Estimated before computing: 9 ** 9 ** 9 would run for minutes.
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and exponent > 0
        and abs(base) > 1
        and math.log2(abs(base)) * min(exponent, MAX_INT_BITS) > MAX_INT_BITS
    ):
        raise too_big("'**'")
    return bounded(base**exponent, "'**'")


def _mod(left: Any, right: Any) -> Any:
    # printf-style formatting ("%0999999999d" % 1) can allocate without bound.
    if isinstance(left, str | bytes):
        raise refuse(
            "ใช้ % จัดรูปแบบข้อความไม่ได้",
            "'%' string formatting is not allowed; '%' works on numbers only",
        )
    return bounded(left % right, "'%'")


def _add(left: Any, right: Any) -> Any:
    return bounded(left + right, "'+'")


def _arith(op: Callable[[Any, Any], Any], symbol: str) -> Callable[[Any, Any], Any]:
    def run(left: Any, right: Any) -> Any:
        return bounded(op(left, right), f"'{symbol}'")

    return run


BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: _add,
    ast.Sub: _arith(operator.sub, "-"),
    ast.Mult: _mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: _arith(operator.floordiv, "//"),
    ast.Mod: _mod,
    ast.Pow: _pow,
}

UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
    ast.Not: operator.not_,
}

COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
