"""The evaluator's size limits, and the guards that keep every value within them."""

from __future__ import annotations

from typing import Any

from engine.bpmn.expressions.refusals import refuse
from engine.core.errors import ExpressionError, ExpressionLimitError

__all__ = ["MAX_DEPTH", "MAX_INT", "MAX_INT_BITS", "MAX_ITEMS", "MAX_SOURCE", "bounded",
           "too_big", "weight"]

MAX_ITEMS = 10_000  # characters of a string, or elements (nested ones counted) of a container
MAX_INT = 10**100
MAX_INT_BITS = MAX_INT.bit_length()
MAX_SOURCE = 10_000  # characters of one expression or script
MAX_DEPTH = 100  # syntax-tree levels; keeps compiling and running far from the recursion limit

_CONTAINERS = (list, tuple, set, frozenset)
_COLLECTIONS = (*_CONTAINERS, dict)


def weight(value: Any, limit: int = MAX_ITEMS) -> int:
    """Characters plus elements in value, nested ones included; stops once past limit.

    Every push onto the stack is paid for by the length already counted, so the
    walk costs O(limit) even for a list holding the same big list many times.
    """
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item) + 1
        elif isinstance(item, dict):
            total += len(item) + 1
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, _CONTAINERS):
            total += len(item) + 1
            stack.extend(item)
    return total


def too_big(what: str) -> ExpressionError:
    return refuse(
        f"ผลลัพธ์ของ {what} ใหญ่เกินไป",
        f"the result of {what} is too large (limit: {MAX_ITEMS:,} characters/items, "
        f"integers up to 10**100)",
        ExpressionLimitError,
    )


def bounded(value: Any, what: str) -> Any:
    if isinstance(value, int):
        if -MAX_INT <= value <= MAX_INT:
            return value
        raise too_big(what)
    if isinstance(value, str | bytes):
        if len(value) <= MAX_ITEMS:
            return value
        raise too_big(what)
    if isinstance(value, _COLLECTIONS) and weight(value) > MAX_ITEMS:
        raise too_big(what)
    return value
