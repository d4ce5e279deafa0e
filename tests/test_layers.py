"""Architecture rules that code review alone would let slip."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "engine"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_engine_never_imports_flask_or_webui():
    offenders = {
        str(path.relative_to(ENGINE)): sorted(_imports(path) & {"flask", "webui", "werkzeug"})
        for path in ENGINE.rglob("*.py")
        if _imports(path) & {"flask", "webui", "werkzeug"}
    }
    assert offenders == {}
