"""One error model: every govflow error lives in engine/core/errors.py under GovflowError,
and carries its HTTP status, CLI exit code and a Thai and English title."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from engine.core import errors

ROOT = Path(__file__).resolve().parents[2]


def _error_classes() -> list[type[errors.GovflowError]]:
    return [value for _, value in inspect.getmembers(errors, inspect.isclass)
            if issubclass(value, Exception) and value.__module__ == errors.__name__]


def test_every_error_class_is_under_the_one_root_with_a_status_and_titles():
    classes = _error_classes()
    assert len(classes) >= 20
    for kind in classes:
        assert issubclass(kind, errors.GovflowError), kind
        assert 400 <= kind.status <= 599 and kind.exit_code >= 1, kind
        assert kind.title_th and kind.title_en and kind.title_th != kind.title_en, kind
        default = kind.__new__(kind)
        errors.GovflowError.__init__(default)
        assert default.message == f"{kind.title_th} / {kind.title_en}"


def test_no_error_class_is_defined_outside_the_errors_module():
    """engine/thai is the one exception: it lies below engine.core, so its date parser
    raises a ValueError of its own (DateEntryError: Thai and English beside each other),
    which the layers above turn into InvalidData."""
    outside = []
    for path in [*ROOT.joinpath("engine").rglob("*.py"), *ROOT.joinpath("webui").rglob("*.py")]:
        if (path == ROOT / "engine" / "core" / "errors.py" or "migrations" in path.parts
                or path == ROOT / "engine" / "thai" / "dates.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(base, ast.Name) and (base.id.endswith(("Error", "Exception"))
                                                    or base.id in {"GovflowError", "Gone"})
                    for base in node.bases):
                outside.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert outside == []


def test_statuses_the_web_layer_answers_with():
    assert errors.Gone.status == 410
    assert errors.InvalidData.status == 400 and errors.NotAuthenticated.status == 401
    assert errors.Forbidden.status == 403 and errors.NotFound.status == 404
    assert errors.Conflict.status == 409
    assert errors.ProcessError.status == errors.DefinitionError.status == 422
    assert errors.ConfigurationError.status == 500
