"""Parsing expressions and scripts within the limits, and compiling them statement by
statement (scripts may hold only 'name = expression' lines)."""

from __future__ import annotations

import ast
import textwrap
from typing import Literal, overload

from engine.bpmn.expressions.compiler import Compiled, Compiler
from engine.bpmn.expressions.limits import MAX_DEPTH, MAX_SOURCE
from engine.bpmn.expressions.operators import BINARY
from engine.bpmn.expressions.refusals import STATEMENT_WORDS, operator_for, plain_name, refuse
from engine.core.errors import ExpressionLimitError, ExpressionSyntaxError

__all__ = ["Statement", "compile_expression", "compile_script"]


@overload
def _parse(source: str, mode: Literal["eval"]) -> ast.Expression: ...
@overload
def _parse(source: str, mode: Literal["exec"]) -> ast.Module: ...
def _parse(source: str, mode: str) -> ast.AST:
    if not isinstance(source, str):
        raise refuse("นิพจน์ต้องเป็นข้อความ", f"expression must be a string, not {source!r}")
    if len(source) > MAX_SOURCE:
        raise refuse("นิพจน์ยาวเกินไป", f"expression is longer than {MAX_SOURCE:,} characters",
                      ExpressionLimitError)
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise refuse(
            "นิพจน์ไม่ถูกต้องตามไวยากรณ์",
            f"syntax error: {exc.msg} (line {exc.lineno}, column {exc.offset})",
            ExpressionSyntaxError, line=exc.lineno, column=exc.offset,
        ) from None
    except ValueError as exc:  # e.g. a NUL character in the text
        raise refuse("นิพจน์อ่านไม่ได้", f"cannot parse expression: {exc}",
                      ExpressionSyntaxError) from None
    except (MemoryError, RecursionError) as exc:
        raise refuse("นิพจน์อ่านไม่ได้", f"cannot parse expression: {exc}",
                      ExpressionLimitError) from None
    _check_depth(tree)
    return tree


def _check_depth(tree: ast.AST) -> None:
    # Iterative, so a hostile tree cannot exhaust the stack before we refuse it;
    # compiling and running then recurse at most MAX_DEPTH levels.
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise refuse("นิพจน์ซ้อนกันลึกเกินไป", "expression is nested too deeply",
                          ExpressionLimitError)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def compile_expression(compiler: Compiler, expression: str) -> Compiled:
    # BPMN editors wrap condition text in newlines and indentation.
    tree = _parse(expression.strip() if isinstance(expression, str) else expression, "eval")
    return compiler.expr(tree.body)


Statement = tuple[tuple[str, ...], Compiled]


def compile_script(compiler: Compiler, script: str) -> tuple[Statement, ...]:
    source = textwrap.dedent(script).strip() if isinstance(script, str) else script
    tree = _parse(source, "exec")
    return tuple(_statement(compiler, node) for node in tree.body)


def _statement(compiler: Compiler, node: ast.stmt) -> Statement:
    if isinstance(node, ast.Assign):
        names = tuple(_target(target) for target in node.targets)
        return names, compiler.expr(node.value)
    if isinstance(node, ast.AugAssign):
        # `count += 1` is `count = count + 1`; the same operator guards apply.
        name = _target(node.target)
        function = operator_for(BINARY, node.op)
        current = compiler.expr(ast.Name(id=name, ctx=ast.Load()))
        value = compiler.expr(node.value)
        return (name,), lambda scope: function(current(scope), value(scope))
    word = STATEMENT_WORDS.get(type(node), type(node).__name__)
    raise refuse(
        f"ใช้ {word} ในสคริปต์ไม่ได้ (บรรทัด {node.lineno})",
        f"{word} not allowed in scripts (line {node.lineno}); "
        "scripts may contain only 'name = expression' lines",
    )


def _target(node: ast.expr) -> str:
    if not isinstance(node, ast.Name):
        raise refuse(
            "กำหนดค่าได้เฉพาะให้ตัวแปรชื่อเดียว",
            "scripts may assign only to plain variable names ('name = expression')",
        )
    plain_name(node.id, "variable")
    return node.id
