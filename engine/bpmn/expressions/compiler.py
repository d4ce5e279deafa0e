"""The compiler from a whitelisted syntax tree to nested closures over the task data."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from engine.bpmn.expressions.limits import bounded
from engine.bpmn.expressions.operators import BINARY, COMPARE, UNARY
from engine.bpmn.expressions.refusals import SYNTAX_WORDS, operator_for, plain_name, refuse
from engine.bpmn.expressions.safe_builtins import SAFE_BUILTINS
from engine.core.errors import UnknownVariableError

__all__ = ["Compiled", "Compiler", "Scope"]

Scope = dict[str, Any]
Compiled = Callable[[Scope], Any]


class Compiler:
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
            thai, english = SYNTAX_WORDS.get(type(node), (type(node).__name__,) * 2)
            raise refuse(f"ใช้ {thai} ในนิพจน์ไม่ได้", f"{english} not allowed in expressions")
        return handler(node)

    def _constant(self, node: ast.Constant) -> Compiled:
        value = node.value
        if value is not None and not isinstance(value, str | int | float):
            raise refuse(
                f"ใช้ค่าคงที่ {value!r} ไม่ได้",
                f"only str, int, float, bool and None literals are allowed, not {value!r}",
            )
        bounded(value, "a literal")
        return lambda scope: value

    def _name(self, node: ast.Name) -> Compiled:
        name = node.id
        plain_name(name, "variable")

        def load(scope: Scope) -> Any:
            try:
                return scope[name]
            except KeyError:
                raise refuse(
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
        keys = [key for key in node.keys if key is not None]
        if len(keys) < len(node.keys):
            raise refuse("ใช้การแตก **d ไม่ได้", "dict unpacking (**d) is not allowed")
        pairs = tuple(
            (self.expr(key), self.expr(value))
            for key, value in zip(keys, node.values, strict=True)
        )
        return lambda scope: {key(scope): value(scope) for key, value in pairs}

    def _binop(self, node: ast.BinOp) -> Compiled:
        function = operator_for(BINARY, node.op)
        left, right = self.expr(node.left), self.expr(node.right)
        return lambda scope: function(left(scope), right(scope))

    def _unaryop(self, node: ast.UnaryOp) -> Compiled:
        function = operator_for(UNARY, node.op)
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
            (operator_for(COMPARE, op), self.expr(right))
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
            raise refuse(
                "เรียกใช้ได้เฉพาะฟังก์ชันที่ลงทะเบียนไว้ โดยเรียกด้วยชื่อตรง ๆ",
                "calls are allowed only to registered helpers, called by plain name "
                f"({self._allowed_calls()})",
            )
        name = node.func.id
        function = self._functions.get(name) if not name.startswith("_") else None
        if function is None:
            raise refuse(
                f"ใช้ฟังก์ชัน '{name}' ไม่ได้",
                f"calls are allowed only to registered helpers: {self._allowed_calls()}",
            )
        args = self._elements(node.args)
        keywords = tuple((self._keyword_name(kw), self.expr(kw.value)) for kw in node.keywords)
        what = f"{name}()"
        if not keywords:
            return lambda scope: bounded(function(*(arg(scope) for arg in args)), what)

        def call(scope: Scope) -> Any:
            kwargs = {key: value(scope) for key, value in keywords}
            return bounded(function(*(arg(scope) for arg in args), **kwargs), what)

        return call

    @staticmethod
    def _keyword_name(keyword: ast.keyword) -> str:
        if keyword.arg is None:
            raise refuse("ใช้การแตก **kwargs ไม่ได้", "keyword unpacking (**kwargs) is not allowed")
        plain_name(keyword.arg, "keyword")
        return keyword.arg

    def _allowed_calls(self) -> str:
        helpers = ", ".join(self._helper_names) or "(none registered)"
        return f"{helpers} (and {', '.join(SAFE_BUILTINS)})"

    def _attribute(self, node: ast.Attribute) -> Compiled:
        raise refuse(
            f"ใช้การเข้าถึงแอตทริบิวต์ '.{node.attr}' ไม่ได้",
            f"attribute access ('.{node.attr}') is not allowed; use variables, "
            "subscripts (x['key']) and registered helpers",
        )
