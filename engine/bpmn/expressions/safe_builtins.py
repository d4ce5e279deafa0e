"""The Python builtins expressions may call, with their own limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.bpmn.expressions.limits import MAX_ITEMS, bounded, too_big, weight
from engine.bpmn.expressions.refusals import refuse
from engine.core.errors import ExpressionLimitError

__all__ = ["SAFE_BUILTINS"]


def _safe_round(number: Any, ndigits: int | None = None) -> Any:
    # round(1, -10**9) computes 10**(10**9) internally.
    if ndigits is not None and abs(ndigits) > 100:
        raise refuse("จำนวนหลักของ round() มากเกินไป", "round(): ndigits must be within ±100",
                      ExpressionLimitError)
    return round(number, ndigits)


def _safe_str(value: Any = "") -> str:
    if weight(value) > MAX_ITEMS:
        raise too_big("str()")
    return bounded(str(value), "str()")


SAFE_BUILTINS: dict[str, Callable[..., Any]] = {
    "len": len,
    "min": min,
    "max": max,
    "abs": abs,
    "round": _safe_round,
    "str": _safe_str,
    "int": int,
    "float": float,
    "bool": bool,
}
