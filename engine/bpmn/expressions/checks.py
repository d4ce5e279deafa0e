"""Deploy-time checks of expressions and scripts, made without a calendar at hand."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.bpmn.expressions.compiler import Compiler
from engine.bpmn.expressions.parsing import compile_expression, compile_script
from engine.bpmn.expressions.safe_builtins import SAFE_BUILTINS

__all__ = ["DEFAULT_HELPER_NAMES", "check_expression", "check_script"]

# Names of engine.thai.workdays.bpmn_helpers(), for deploy-time checks made without
# a calendar at hand (a test keeps the two in step).
DEFAULT_HELPER_NAMES: tuple[str, ...] = ("deadline_after", "working_days_after")


def _checker(helper_names: Iterable[str]) -> Compiler:
    names = tuple(helper_names)
    return Compiler({**SAFE_BUILTINS, **dict.fromkeys(names, _unavailable)}, names)


def _unavailable(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("deploy-time checker: helpers are not callable here")


def check_expression(expr: str, helper_names: Iterable[str] = DEFAULT_HELPER_NAMES) -> None:
    """Deploy-time check of a condition/timer expression: syntax plus whitelist."""
    compile_expression(_checker(helper_names), expr)


def check_script(script: str, helper_names: Iterable[str] = DEFAULT_HELPER_NAMES) -> None:
    """Deploy-time check of a script task: only 'name = expression' lines."""
    compile_script(_checker(helper_names), script)
