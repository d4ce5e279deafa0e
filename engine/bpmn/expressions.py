"""Restricted evaluation of BPMN expressions and scripts.

SpiffWorkflow evaluates gateway conditions, timer expressions and scripts with
plain ``eval``/``exec``, and BPMN files are edited by people through the web
UI. Restricting builtins is not a sandbox (``().__class__.__base__...`` still
reaches ``subprocess.Popen``), so expressions here are parsed with ``ast`` and
compiled into closures over a small whitelist instead: no attribute access at
all, no names starting with ``_``, calls only to registered helpers by plain
name, and bounded result sizes. Python's ``eval`` is never called.
"""

from __future__ import annotations

import ast
import math
import operator
import textwrap
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.core.errors import (
    ExpressionError,
    ExpressionLimitError,
    ExpressionSyntaxError,
    UnknownVariableError,
)

__all__ = [
    "DEFAULT_HELPER_NAMES",
    "MAX_INT",
    "MAX_ITEMS",
    "RestrictedEnvironment",
    "SAFE_BUILTINS",
    "check_expression",
    "check_script",
    "make_script_engine",
]

# Names of engine.thai.workdays.bpmn_helpers(), for deploy-time checks made without
# a calendar at hand (a test keeps the two in step).
DEFAULT_HELPER_NAMES: tuple[str, ...] = ("deadline_after", "working_days_after")

MAX_ITEMS = 10_000  # characters of a string, or elements (nested ones counted) of a container
MAX_INT = 10**100
_MAX_INT_BITS = MAX_INT.bit_length()
_MAX_SOURCE = 10_000  # characters of one expression or script
_MAX_DEPTH = 100  # syntax-tree levels; keeps compiling and running far from the recursion limit
_CACHE_LIMIT = 4096

_SEQUENCES = (str, bytes, list, tuple)
_CONTAINERS = (list, tuple, set, frozenset)
_COLLECTIONS = (*_CONTAINERS, dict)

Scope = dict[str, Any]
Compiled = Callable[[Scope], Any]


def _refuse(thai: str, english: str, kind: type[ExpressionError] = ExpressionError,
            **details: Any) -> ExpressionError:
    error = kind(f"{thai} / {english}")
    # Set after construction, so the exception still pickles and copies like any other.
    for key, value in details.items():
        setattr(error, key, value)
    return error


# -- size guards --------------------------------------------------------------


def _weight(value: Any, limit: int = MAX_ITEMS) -> int:
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


def _too_big(what: str) -> ExpressionError:
    return _refuse(
        f"ผลลัพธ์ของ {what} ใหญ่เกินไป",
        f"the result of {what} is too large (limit: {MAX_ITEMS:,} characters/items, "
        f"integers up to 10**100)",
        ExpressionLimitError,
    )


def _bounded(value: Any, what: str) -> Any:
    if isinstance(value, int):
        if -MAX_INT <= value <= MAX_INT:
            return value
        raise _too_big(what)
    if isinstance(value, str | bytes):
        if len(value) <= MAX_ITEMS:
            return value
        raise _too_big(what)
    if isinstance(value, _COLLECTIONS) and _weight(value) > MAX_ITEMS:
        raise _too_big(what)
    return value


def _mul(left: Any, right: Any) -> Any:
    # Checked before multiplying: "a" * 10**9 must never be allocated.
    if isinstance(left, _SEQUENCES) and isinstance(right, int):
        _check_repeat(left, right)
    elif isinstance(right, _SEQUENCES) and isinstance(left, int):
        _check_repeat(right, left)
    return _bounded(left * right, "'*'")


def _check_repeat(sequence: Any, times: int) -> None:
    if times > 0 and _weight(sequence) * min(times, MAX_ITEMS + 1) > MAX_ITEMS:
        raise _too_big("'*'")


def _pow(base: Any, exponent: Any) -> Any:
    # Estimated before computing: 9 ** 9 ** 9 would run for minutes.
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and exponent > 0
        and abs(base) > 1
        and math.log2(abs(base)) * min(exponent, _MAX_INT_BITS) > _MAX_INT_BITS
    ):
        raise _too_big("'**'")
    return _bounded(base**exponent, "'**'")


def _mod(left: Any, right: Any) -> Any:
    # printf-style formatting ("%0999999999d" % 1) can allocate without bound.
    if isinstance(left, str | bytes):
        raise _refuse(
            "ใช้ % จัดรูปแบบข้อความไม่ได้",
            "'%' string formatting is not allowed; '%' works on numbers only",
        )
    return _bounded(left % right, "'%'")


def _add(left: Any, right: Any) -> Any:
    return _bounded(left + right, "'+'")


def _arith(op: Callable[[Any, Any], Any], symbol: str) -> Callable[[Any, Any], Any]:
    def run(left: Any, right: Any) -> Any:
        return _bounded(op(left, right), f"'{symbol}'")

    return run


_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: _add,
    ast.Sub: _arith(operator.sub, "-"),
    ast.Mult: _mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: _arith(operator.floordiv, "//"),
    ast.Mod: _mod,
    ast.Pow: _pow,
}

_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
    ast.Not: operator.not_,
}

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
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

_OPERATOR_WORDS: dict[type[ast.AST], str] = {
    ast.MatMult: "'@'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.BitAnd: "'&'",
    ast.BitOr: "'|'",
    ast.BitXor: "'^'",
    ast.Invert: "'~'",
}


# -- safe builtins --------------------------------------------------------------


def _safe_round(number: Any, ndigits: int | None = None) -> Any:
    # round(1, -10**9) computes 10**(10**9) internally.
    if ndigits is not None and abs(ndigits) > 100:
        raise _refuse("จำนวนหลักของ round() มากเกินไป", "round(): ndigits must be within ±100",
                      ExpressionLimitError)
    return round(number, ndigits)


def _safe_str(value: Any = "") -> str:
    if _weight(value) > MAX_ITEMS:
        raise _too_big("str()")
    return _bounded(str(value), "str()")


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


# -- messages for refused syntax --------------------------------------------------

_SYNTAX_WORDS: dict[type[ast.AST], tuple[str, str]] = {
    ast.Lambda: ("lambda", "lambda"),
    ast.ListComp: ("list comprehension", "list comprehensions"),
    ast.SetComp: ("set comprehension", "set comprehensions"),
    ast.DictComp: ("dict comprehension", "dict comprehensions"),
    ast.GeneratorExp: ("generator expression", "generator expressions"),
    ast.JoinedStr: ("f-string", "f-strings"),
    ast.FormattedValue: ("f-string", "f-strings"),
    ast.NamedExpr: ("ตัวดำเนินการ :=", "the walrus operator ':='"),
    ast.Starred: ("การแตก *x", "starred expressions (*x)"),
    ast.Await: ("await", "await"),
    ast.Yield: ("yield", "yield"),
    ast.YieldFrom: ("yield from", "yield from"),
    ast.Slice: ("slice", "slices outside subscripts"),
}

_STATEMENT_WORDS: dict[type[ast.AST], str] = {
    ast.Import: "import",
    ast.ImportFrom: "from … import",
    ast.Delete: "del",
    ast.While: "while loops",
    ast.For: "for loops",
    ast.If: "if statements (use a conditional expression: a if cond else b)",
    ast.FunctionDef: "def",
    ast.AsyncFunctionDef: "async def",
    ast.ClassDef: "class",
    ast.With: "with",
    ast.Try: "try",
    ast.Raise: "raise",
    ast.Return: "return",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.Assert: "assert",
    ast.Pass: "pass",
    ast.AnnAssign: "annotated assignments",
    ast.Expr: "bare expressions",
}


def _operator(table: Mapping[type, Callable[..., Any]], op: ast.AST) -> Callable[..., Any]:
    function = table.get(type(op))
    if function is None:
        word = _OPERATOR_WORDS.get(type(op), type(op).__name__)
        raise _refuse(f"ใช้ตัวดำเนินการ {word} ไม่ได้", f"operator {word} is not allowed")
    return function


def _plain_name(name: str, role: str) -> None:
    if name.startswith("_"):
        raise _refuse(
            f"ใช้ชื่อที่ขึ้นต้นด้วย '_' ไม่ได้: '{name}'",
            f"{role} names starting with '_' are not allowed: '{name}'",
        )


# -- compiler ---------------------------------------------------------------------


class _Compiler:
    """Turns a whitelisted syntax tree into nested closures over the task data."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]], helper_names: Iterable[str]):
        self._functions = functions
        self._helper_names = tuple(helper_names)
        self._handlers: dict[type[ast.AST], Callable[[Any], Compiled]] = {
            ast.Constant: self._constant,
            ast.Name: self._name,
            ast.List: self._list,
            ast.Tuple: self._tuple,
            ast.Set: self._set,
            ast.Dict: self._dict,
            ast.BinOp: self._binop,
            ast.UnaryOp: self._unaryop,
            ast.BoolOp: self._boolop,
            ast.Compare: self._compare,
            ast.IfExp: self._ifexp,
            ast.Subscript: self._subscript,
            ast.Call: self._call,
            ast.Attribute: self._attribute,
        }

    def expr(self, node: ast.AST) -> Compiled:
        handler = self._handlers.get(type(node))
        if handler is None:
            thai, english = _SYNTAX_WORDS.get(type(node), (type(node).__name__,) * 2)
            raise _refuse(f"ใช้ {thai} ในนิพจน์ไม่ได้", f"{english} not allowed in expressions")
        return handler(node)

    def _constant(self, node: ast.Constant) -> Compiled:
        value = node.value
        if value is not None and not isinstance(value, str | int | float):
            raise _refuse(
                f"ใช้ค่าคงที่ {value!r} ไม่ได้",
                f"only str, int, float, bool and None literals are allowed, not {value!r}",
            )
        _bounded(value, "a literal")
        return lambda scope: value

    def _name(self, node: ast.Name) -> Compiled:
        name = node.id
        _plain_name(name, "variable")

        def load(scope: Scope) -> Any:
            try:
                return scope[name]
            except KeyError:
                raise _refuse(
                    f"ไม่พบตัวแปร '{name}' ในข้อมูลของงาน",
                    f"unknown variable '{name}' (not in the task data)",
                    UnknownVariableError, name=name,
                ) from None

        return load

    def _elements(self, nodes: list[ast.expr]) -> tuple[Compiled, ...]:
        return tuple(self.expr(element) for element in nodes)

    def _list(self, node: ast.List) -> Compiled:
        items = self._elements(node.elts)
        return lambda scope: [item(scope) for item in items]

    def _tuple(self, node: ast.Tuple) -> Compiled:
        items = self._elements(node.elts)
        return lambda scope: tuple(item(scope) for item in items)

    def _set(self, node: ast.Set) -> Compiled:
        items = self._elements(node.elts)
        return lambda scope: {item(scope) for item in items}

    def _dict(self, node: ast.Dict) -> Compiled:
        if any(key is None for key in node.keys):
            raise _refuse("ใช้การแตก **d ไม่ได้", "dict unpacking (**d) is not allowed")
        pairs = tuple(
            (self.expr(key), self.expr(value))
            for key, value in zip(node.keys, node.values, strict=True)
        )
        return lambda scope: {key(scope): value(scope) for key, value in pairs}

    def _binop(self, node: ast.BinOp) -> Compiled:
        function = _operator(_BINARY, node.op)
        left, right = self.expr(node.left), self.expr(node.right)
        return lambda scope: function(left(scope), right(scope))

    def _unaryop(self, node: ast.UnaryOp) -> Compiled:
        function = _operator(_UNARY, node.op)
        operand = self.expr(node.operand)
        return lambda scope: function(operand(scope))

    def _boolop(self, node: ast.BoolOp) -> Compiled:
        values = self._elements(node.values)
        if isinstance(node.op, ast.And):

            def run_and(scope: Scope) -> Any:
                result = True
                for value in values:
                    result = value(scope)
                    if not result:
                        return result
                return result

            return run_and

        def run_or(scope: Scope) -> Any:
            result = False
            for value in values:
                result = value(scope)
                if result:
                    return result
            return result

        return run_or

    def _compare(self, node: ast.Compare) -> Compiled:
        left = self.expr(node.left)
        steps = tuple(
            (_operator(_COMPARE, op), self.expr(right))
            for op, right in zip(node.ops, node.comparators, strict=True)
        )
        if len(steps) == 1:
            ((function, right),) = steps
            return lambda scope: function(left(scope), right(scope))

        def chain(scope: Scope) -> bool:
            current = left(scope)
            for function, right in steps:
                following = right(scope)
                if not function(current, following):
                    return False
                current = following
            return True

        return chain

    def _ifexp(self, node: ast.IfExp) -> Compiled:
        test, body, orelse = self.expr(node.test), self.expr(node.body), self.expr(node.orelse)
        return lambda scope: body(scope) if test(scope) else orelse(scope)

    def _subscript(self, node: ast.Subscript) -> Compiled:
        value = self.expr(node.value)
        index = node.slice
        key = self._slice(index) if isinstance(index, ast.Slice) else self.expr(index)
        return lambda scope: value(scope)[key(scope)]

    def _slice(self, node: ast.Slice) -> Compiled:
        parts = tuple(
            None if part is None else self.expr(part)
            for part in (node.lower, node.upper, node.step)
        )
        return lambda scope: slice(*(None if p is None else p(scope) for p in parts))

    def _call(self, node: ast.Call) -> Compiled:
        if not isinstance(node.func, ast.Name):
            raise _refuse(
                "เรียกใช้ได้เฉพาะฟังก์ชันที่ลงทะเบียนไว้ โดยเรียกด้วยชื่อตรง ๆ",
                "calls are allowed only to registered helpers, called by plain name "
                f"({self._allowed_calls()})",
            )
        name = node.func.id
        function = self._functions.get(name) if not name.startswith("_") else None
        if function is None:
            raise _refuse(
                f"ใช้ฟังก์ชัน '{name}' ไม่ได้",
                f"calls are allowed only to registered helpers: {self._allowed_calls()}",
            )
        args = self._elements(node.args)
        keywords = tuple((self._keyword_name(kw), self.expr(kw.value)) for kw in node.keywords)
        what = f"{name}()"
        if not keywords:
            return lambda scope: _bounded(function(*(arg(scope) for arg in args)), what)

        def call(scope: Scope) -> Any:
            kwargs = {key: value(scope) for key, value in keywords}
            return _bounded(function(*(arg(scope) for arg in args), **kwargs), what)

        return call

    @staticmethod
    def _keyword_name(keyword: ast.keyword) -> str:
        if keyword.arg is None:
            raise _refuse("ใช้การแตก **kwargs ไม่ได้", "keyword unpacking (**kwargs) is not allowed")
        _plain_name(keyword.arg, "keyword")
        return keyword.arg

    def _allowed_calls(self) -> str:
        helpers = ", ".join(self._helper_names) or "(none registered)"
        return f"{helpers} (and {', '.join(SAFE_BUILTINS)})"

    def _attribute(self, node: ast.Attribute) -> Compiled:
        raise _refuse(
            f"ใช้การเข้าถึงแอตทริบิวต์ '.{node.attr}' ไม่ได้",
            f"attribute access ('.{node.attr}') is not allowed; use variables, "
            "subscripts (x['key']) and registered helpers",
        )


# -- parsing ----------------------------------------------------------------------


def _parse(source: str, mode: str) -> ast.AST:
    if not isinstance(source, str):
        raise _refuse("นิพจน์ต้องเป็นข้อความ", f"expression must be a string, not {source!r}")
    if len(source) > _MAX_SOURCE:
        raise _refuse("นิพจน์ยาวเกินไป", f"expression is longer than {_MAX_SOURCE:,} characters",
                      ExpressionLimitError)
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise _refuse(
            "นิพจน์ไม่ถูกต้องตามไวยากรณ์",
            f"syntax error: {exc.msg} (line {exc.lineno}, column {exc.offset})",
            ExpressionSyntaxError, line=exc.lineno, column=exc.offset,
        ) from None
    except ValueError as exc:  # e.g. a NUL character in the text
        raise _refuse("นิพจน์อ่านไม่ได้", f"cannot parse expression: {exc}",
                      ExpressionSyntaxError) from None
    except (MemoryError, RecursionError) as exc:
        raise _refuse("นิพจน์อ่านไม่ได้", f"cannot parse expression: {exc}",
                      ExpressionLimitError) from None
    _check_depth(tree)
    return tree


def _check_depth(tree: ast.AST) -> None:
    # Iterative, so a hostile tree cannot exhaust the stack before we refuse it;
    # compiling and running then recurse at most _MAX_DEPTH levels.
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise _refuse("นิพจน์ซ้อนกันลึกเกินไป", "expression is nested too deeply",
                          ExpressionLimitError)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _compile_expression(compiler: _Compiler, expression: str) -> Compiled:
    # BPMN editors wrap condition text in newlines and indentation.
    tree = _parse(expression.strip() if isinstance(expression, str) else expression, "eval")
    return compiler.expr(tree.body)


Statement = tuple[tuple[str, ...], Compiled]


def _compile_script(compiler: _Compiler, script: str) -> tuple[Statement, ...]:
    source = textwrap.dedent(script).strip() if isinstance(script, str) else script
    tree = _parse(source, "exec")
    return tuple(_statement(compiler, node) for node in tree.body)


def _statement(compiler: _Compiler, node: ast.stmt) -> Statement:
    if isinstance(node, ast.Assign):
        names = tuple(_target(target) for target in node.targets)
        return names, compiler.expr(node.value)
    if isinstance(node, ast.AugAssign):
        # `count += 1` is `count = count + 1`; the same operator guards apply.
        name = _target(node.target)
        function = _operator(_BINARY, node.op)
        current = compiler.expr(ast.Name(id=name, ctx=ast.Load()))
        value = compiler.expr(node.value)
        return (name,), lambda scope: function(current(scope), value(scope))
    word = _STATEMENT_WORDS.get(type(node), type(node).__name__)
    raise _refuse(
        f"ใช้ {word} ในสคริปต์ไม่ได้ (บรรทัด {node.lineno})",
        f"{word} not allowed in scripts (line {node.lineno}); "
        "scripts may contain only 'name = expression' lines",
    )


def _target(node: ast.expr) -> str:
    if not isinstance(node, ast.Name):
        raise _refuse(
            "กำหนดค่าได้เฉพาะให้ตัวแปรชื่อเดียว",
            "scripts may assign only to plain variable names ('name = expression')",
        )
    _plain_name(node.id, "variable")
    return node.id


# -- environment ------------------------------------------------------------------


class RestrictedEnvironment(TaskDataEnvironment):
    """A SpiffWorkflow script environment that never calls eval or exec."""

    def __init__(self, helpers: Mapping[str, Callable[..., Any]] | None = None):
        helpers = dict(helpers or {})
        for name in helpers:
            if not name.isidentifier() or name.startswith("_"):
                raise ValueError(f"bad helper name (identifier, no leading '_'): {name!r}")
        # Passed as globals so code that lists an environment's functions still finds them.
        super().__init__(environment_globals=dict(helpers))
        self._compiler = _Compiler({**SAFE_BUILTINS, **helpers}, helpers)
        self._expressions: dict[str, Compiled] = {}
        self._scripts: dict[str, tuple[Statement, ...]] = {}

    def evaluate(
        self, expression: str, context: Scope, external_context: Scope | None = None
    ) -> Any:
        compiled = self._expressions.get(expression)
        if compiled is None:
            compiled = _compile_expression(self._compiler, expression)
            _remember(self._expressions, expression, compiled)
        scope = {**external_context, **context} if external_context else context
        return compiled(scope)

    def execute(self, script: str, context: Scope, external_context: Scope | None = None) -> bool:
        statements = self._scripts.get(script)
        if statements is None:
            statements = _compile_script(self._compiler, script)
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
        _compile_expression(self._compiler, expression)

    def check_script(self, script: str) -> None:
        _compile_script(self._compiler, script)


def _remember(cache: dict[str, Any], key: str, value: Any) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def _checker(helper_names: Iterable[str]) -> _Compiler:
    names = tuple(helper_names)
    return _Compiler({**SAFE_BUILTINS, **dict.fromkeys(names, _unavailable)}, names)


def _unavailable(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("deploy-time checker: helpers are not callable here")


def check_expression(expr: str, helper_names: Iterable[str] = DEFAULT_HELPER_NAMES) -> None:
    """Deploy-time check of a condition/timer expression: syntax plus whitelist."""
    _compile_expression(_checker(helper_names), expr)


def check_script(script: str, helper_names: Iterable[str] = DEFAULT_HELPER_NAMES) -> None:
    """Deploy-time check of a script task: only 'name = expression' lines."""
    _compile_script(_checker(helper_names), script)


def make_script_engine(helpers: Mapping[str, Callable[..., Any]]) -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment(helpers))
