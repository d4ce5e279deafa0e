"""The script environment SpiffWorkflow runs conditions, timers and scripts in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.bpmn.expressions.compiler import Compiled, Compiler, Scope
from engine.bpmn.expressions.parsing import Statement, compile_expression, compile_script
from engine.bpmn.expressions.safe_builtins import SAFE_BUILTINS

__all__ = ["RestrictedEnvironment", "make_script_engine"]

_CACHE_LIMIT = 4096


class RestrictedEnvironment(TaskDataEnvironment):
    """A SpiffWorkflow script environment that never calls eval or exec."""

    def __init__(self, helpers: Mapping[str, Callable[..., Any]] | None = None):
        helpers = dict(helpers or {})
        for name in helpers:
            if not name.isidentifier() or name.startswith("_"):
                raise ValueError(f"bad helper name (identifier, no leading '_'): {name!r}")
        # Passed as globals so code that lists an environment's functions still finds them.
        super().__init__(environment_globals=dict(helpers))
        self._compiler = Compiler({**SAFE_BUILTINS, **helpers}, helpers)
        self._expressions: dict[str, Compiled] = {}
        self._scripts: dict[str, tuple[Statement, ...]] = {}

    def evaluate(
        self, expression: str, context: Scope, external_context: Scope | None = None
    ) -> Any:
        compiled = self._expressions.get(expression)
        if compiled is None:
            compiled = compile_expression(self._compiler, expression)
            _remember(self._expressions, expression, compiled)
        scope = {**external_context, **context} if external_context else context
        return compiled(scope)

    def execute(self, script: str, context: Scope, external_context: Scope | None = None) -> bool:
        statements = self._scripts.get(script)
        if statements is None:
            statements = compile_script(self._compiler, script)
            _remember(self._scripts, script, statements)
        scope = {**(external_context or {}), **context}
        assigned: Scope = {}
        for names, value in statements:
            result = value(scope)
            for name in names:
                scope[name] = assigned[name] = result
        # Written only when every line succeeded, so a failed script leaves task data as it was.
        context.update(assigned)
        return True

    def check_expression(self, expression: str) -> None:
        compile_expression(self._compiler, expression)

    def check_script(self, script: str) -> None:
        compile_script(self._compiler, script)


def _remember(cache: dict[str, Any], key: str, value: Any) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def make_script_engine(helpers: Mapping[str, Callable[..., Any]]) -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment(helpers))
