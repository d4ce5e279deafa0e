"""Sample data sets for the expression check: every choice of every form field, with
the process's scripts run on them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.bpmn.lint.expression_sites import Site, assigned_names, read_names
from engine.bpmn.lint.samples import Scope, sample_value, setting_data

__all__ = ["MAX_SAMPLES", "Samples", "form_fields", "sample_scopes"]

#: Sample data sets tried at most: enough for every choice of a usual list field.
MAX_SAMPLES = 32


def _choices(schema: Mapping[str, Any]) -> list[Any]:
    """Every value worth trying for one form field: each choice of a list, both booleans."""
    if "const" in schema:
        return [schema["const"]]
    if schema.get("enum"):
        return list(schema["enum"])
    for key in ("oneOf", "anyOf"):
        options = [c for c in schema.get(key) or [] if isinstance(c, Mapping)]
        if options:
            return [value for option in options for value in _choices(option)]
    kind = schema.get("type")
    if kind == "boolean" or (isinstance(kind, list) and "boolean" in kind):
        return [True, False]
    return [sample_value(schema)]


def form_fields(bundle: Mapping[str, Any], hidden: set[str]) -> dict[str, list[Any]]:
    """Each field of the process's forms with the values to try (personal data left out:
    it is taken out of the case data before the workflow runs)."""
    forms = bundle.get("forms") or {}
    names = [bundle.get("start_form")]
    names += [task.get("form") for task in (bundle.get("tasks") or {}).values()]
    fields: dict[str, list[Any]] = {}
    for name in names:
        schema = forms.get(name) if name else None
        properties = (schema or {}).get("properties") or {}
        for field, prop in properties.items():
            if isinstance(prop, Mapping) and field not in hidden and field not in fields:
                fields[field] = _choices(prop) or [None]
    # A case starts with its settings' values: names an expression may read.
    fields.update((name, [value]) for name, value in setting_data(bundle).items())
    return fields


def sample_scopes(fields: Mapping[str, list[Any]]) -> list[Scope]:
    """Sample data sets: set k gives each field its k-th value (cycling), so every choice
    of every field is tried once, in at most MAX_SAMPLES sets."""
    count = min(MAX_SAMPLES, max((len(values) for values in fields.values()), default=1))
    return [
        {field: values[k % len(values)] for field, values in fields.items()}
        for k in range(count)
    ]


class Samples:
    """Sample sets with every script run on them in document order, built when first needed.

    Most expressions evaluate on the first set, so usually only that one is built.
    """

    def __init__(self, bases: list[Scope], scripts: list[Site], environment: Any) -> None:
        self._bases = bases
        # What each script reads and sets: it runs on just what it reads, since the
        # evaluator copies the data it is given (all the data: quadratic in the scripts).
        self._scripts = [(site.text, read_names(site), assigned_names(site.text))
                         for site in scripts]
        self._environment = environment
        self._built: list[tuple[Scope, dict[int, Exception]]] = []

    def __len__(self) -> int:
        return len(self._bases)

    def get(self, k: int) -> tuple[Scope, dict[int, Exception]]:
        """Set k after the scripts, and what each script (by position) raised on it."""
        while len(self._built) <= k:
            scope = dict(self._bases[len(self._built)])
            failures: dict[int, Exception] = {}
            for index, (text, reads, sets) in enumerate(self._scripts):
                data = {name: scope[name] for name in reads if name in scope}
                try:
                    self._environment.execute(text, data)
                except Exception as exc:  # noqa: BLE001 - judged per script below
                    failures[index] = exc
                    continue
                scope.update((name, data[name]) for name in sets if name in data)
            self._built.append((scope, failures))
        return self._built[k]
