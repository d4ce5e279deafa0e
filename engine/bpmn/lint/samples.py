"""Plausible sample values for the fields of a process's forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["SAMPLE_DATE", "SAMPLE_DATETIME", "SAMPLE_TEXT", "Scope", "form_data", "sample_data",
           "sample_value", "setting_data"]

SAMPLE_DATE = "2026-01-05"
SAMPLE_DATETIME = "2026-01-05T09:00:00+07:00"
SAMPLE_TEXT = "ตัวอย่าง"

Scope = dict[str, Any]


def sample_value(schema: Mapping[str, Any]) -> Any:
    """A plausible value for one JSON Schema property."""
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        choices = [c for c in schema.get(key) or [] if isinstance(c, Mapping)]
        if choices:
            return sample_value(choices[0])
    fmt = schema.get("format")
    if fmt == "date":
        return SAMPLE_DATE
    if fmt == "date-time":
        return SAMPLE_DATETIME
    return _sample_of_type(schema)


def _sample_of_type(schema: Mapping[str, Any]) -> Any:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    if kind == "string":
        return SAMPLE_TEXT
    if kind == "object":
        return sample_data(schema)
    if kind == "array":
        return []
    return None


def sample_data(schema: Mapping[str, Any] | None) -> Scope:
    properties = (schema or {}).get("properties") or {}
    return {
        name: sample_value(prop)
        for name, prop in properties.items()
        if isinstance(prop, Mapping)
    }


def form_data(bundle: Mapping[str, Any]) -> Scope:
    """Sample data for the start form, then for the task forms the start form lacks.

    Timers on later tasks may use what an earlier task's form entered; counting
    only the start form would call those timers broken.
    """
    forms = bundle.get("forms") or {}
    names = [bundle.get("start_form")]
    names += [task.get("form") for task in (bundle.get("tasks") or {}).values()]
    data: Scope = {}
    for name in names:
        for key, value in sample_data(forms.get(name) if name else None).items():
            data.setdefault(key, value)
    data.update(setting_data(bundle))
    return data


def setting_data(bundle: Mapping[str, Any]) -> Scope:
    """The process's named settings (``triage_days``) as a new case has them: their values."""
    return {name: setting.get("value")
            for name, setting in (bundle.get("settings") or {}).items()}
