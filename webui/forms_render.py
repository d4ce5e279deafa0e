"""HTML forms from the JSON Schemas that processes/forms/ holds, and form input back to JSON.

The renderer only describes fields; templates/_form.html draws them. Validation is the
engine's job (``InvalidData.fields``): this module converts what a browser sends into
the JSON types the schema wants, and keeps what the person typed for showing it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

#: Strings this long or longer get a text area.
TEXTAREA_FROM = 500
#: Up to this many choices are radio buttons; more become a drop-down list.
RADIO_UP_TO = 4

_INPUT_TYPES = {"date": "date", "email": "email", "uri": "url", "date-time": "datetime-local"}


@dataclass
class Field:
    name: str
    label: str
    kind: str  # text, textarea, date, email, url, number, checkbox, radio, select
    help: str = ""
    required: bool = False
    value: Any = ""
    error: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    max_length: int | None = None
    step: str | None = None
    #: The browser's autofill and phone keyboard hints, where a page sets them.
    autocomplete: str = ""
    inputmode: str = ""

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def checked(self) -> bool:
        return self.value is True or self.value in ("on", "true", "1")


def _choices(prop: Mapping[str, Any]) -> list[tuple[str, str]]:
    options = prop.get("oneOf") or prop.get("anyOf") or []
    choices = [(str(o["const"]), str(o.get("title") or o["const"]))
               for o in options if isinstance(o, Mapping) and "const" in o]
    if not choices and isinstance(prop.get("enum"), list):
        choices = [(str(v), str(v)) for v in prop["enum"]]
    return choices


def _kind(prop: Mapping[str, Any]) -> str:
    if _choices(prop):
        return "radio" if len(_choices(prop)) <= RADIO_UP_TO else "select"
    kind = prop.get("type")
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return "number"
    if prop.get("format") in _INPUT_TYPES:
        return _INPUT_TYPES[prop["format"]]
    if (prop.get("maxLength") or 0) >= TEXTAREA_FROM:
        return "textarea"
    return "text"


#: The format hint API clients read in a date field's description; a browser's date
#: picker shows its own format, so the page leaves the hint out.
_DATE_HINT = "วันที่ในรูปแบบ ปปปป-ดด-วว (ปี ค.ศ.)"


def _help(prop: Mapping[str, Any], kind: str) -> str:
    text = str(prop.get("description") or "")
    if kind == "date":
        text = text.replace(_DATE_HINT, "").strip()
    return text


def _display_value(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == "checkbox":
        return value is True or value in ("on", "true", "1")
    return value if isinstance(value, str) else str(value)


def fields_for(
    schema: Mapping[str, Any] | None,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[Field]:
    """One Field per property of ``schema``, in the schema's order."""
    if not schema:
        return []
    values, errors = values or {}, errors or {}
    required = set(schema.get("required") or [])
    result = []
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, Mapping):
            continue
        kind = _kind(prop)
        result.append(Field(
            name=name,
            label=str(prop.get("title") or name),
            kind=kind,
            help=_help(prop, kind),
            # An unticked box is an answer ("no"), never a missing one.
            required=name in required and kind != "checkbox",
            value=_display_value(values.get(name), kind),
            error=errors.get(name, ""),
            options=_choices(prop),
            max_length=prop.get("maxLength"),
            step="1" if prop.get("type") == "integer" else ("any" if kind == "number" else None),
        ))
    return result


def form_errors_elsewhere(schema: Mapping[str, Any] | None, errors: Mapping[str, str]) -> dict:
    """Errors the engine named for fields the form does not show (shown at the top)."""
    names = set((schema or {}).get("properties") or {})
    return {k: v for k, v in errors.items() if k not in names}


def parse_form(
    schema: Mapping[str, Any] | None, form: MultiDict
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """(JSON data for the engine, what was typed for re-display, conversion errors).

    Checkboxes become booleans; empty optional strings are left out; numbers are parsed.
    """
    data: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        if not isinstance(prop, Mapping):
            continue
        kind = prop.get("type")
        if kind == "boolean":
            checked = name in form
            data[name] = typed[name] = checked
            continue
        raw = form.get(name, "")
        raw = raw.replace("\r\n", "\n")
        typed[name] = raw
        text = raw.strip()
        if text == "":
            continue
        if kind == "integer":
            try:
                data[name] = int(text)
            except ValueError:
                errors[name] = _("กรุณากรอกเป็นจำนวนเต็ม")
        elif kind == "number":
            try:
                data[name] = float(text) if any(c in text for c in ".eE") else int(text)
            except ValueError:
                errors[name] = _("กรุณากรอกเป็นตัวเลข")
        else:
            # Single-line inputs lose stray spaces; text areas keep their lines.
            data[name] = raw.strip() if "\n" not in raw else raw.rstrip()
    return data, typed, errors
