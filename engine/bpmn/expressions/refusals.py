"""Refusals of the restricted evaluator, in Thai and English: the error itself, and the
words for syntax, statements and operators it does not run."""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

from engine.core.errors import ExpressionError

__all__ = ["STATEMENT_WORDS", "SYNTAX_WORDS", "operator_for", "plain_name", "refuse"]


def refuse(thai: str, english: str, kind: type[ExpressionError] = ExpressionError,
            **details: Any) -> ExpressionError:
    error = kind(f"{thai} / {english}")
    # Set after construction, so the exception still pickles and copies like any other.
    for key, value in details.items():
        setattr(error, key, value)
    return error


_OPERATOR_WORDS: dict[type[ast.AST], str] = {
    ast.MatMult: "'@'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.BitAnd: "'&'",
    ast.BitOr: "'|'",
    ast.BitXor: "'^'",
    ast.Invert: "'~'",
}

SYNTAX_WORDS: dict[type[ast.AST], tuple[str, str]] = {
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

STATEMENT_WORDS: dict[type[ast.AST], str] = {
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


def operator_for(table: Mapping[type, Callable[..., Any]], op: ast.AST) -> Callable[..., Any]:
    function = table.get(type(op))
    if function is None:
        word = _OPERATOR_WORDS.get(type(op), type(op).__name__)
        raise refuse(f"ใช้ตัวดำเนินการ {word} ไม่ได้", f"operator {word} is not allowed")
    return function


def plain_name(name: str, role: str) -> None:
    if name.startswith("_"):
        raise refuse(
            f"ใช้ชื่อที่ขึ้นต้นด้วย '_' ไม่ได้: '{name}'",
            f"{role} names starting with '_' are not allowed: '{name}'",
        )
