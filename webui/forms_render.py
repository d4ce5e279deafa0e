"""HTML forms from the JSON Schemas that processes/forms/ holds, and form input back to JSON.

The renderer only describes fields; templates/_form.html draws them. Validation is the
engine's job (``InvalidData.fields``): this module converts what a browser sends into
the JSON types the schema wants, and keeps what the person typed for showing it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine.bpmn.forms import (
    choice_nodes,
    description_in,
    required_when,
    title_in,
    translated,
)
from engine.thai.dates import (
    DateEntryError,
    format_date_entry,
    parse_date_entry,
    parse_iso_day,
)
from webui.i18n import current_language, localize

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
    #: "th" when the form has no English for this field's label, help or options, so an
    #: English page marks that text as Thai; empty when it is in the page's language.
    lang: str = ""
    #: The browser's autofill and phone keyboard hints, where a page sets them.
    autocomplete: str = ""
    inputmode: str = ""

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def checked(self) -> bool:
        return self.value is True or self.value in ("on", "true", "1")


def _choices(prop: Mapping[str, Any], language: str = "th") -> list[tuple[str, str]]:
    choices = [(str(o["const"]), title_in(o, language, str(o["const"])))
               for o in choice_nodes(prop)]
    if not choices and isinstance(prop.get("enum"), list):
        choices = [(str(v), str(v)) for v in prop["enum"]]
    return choices


def _kind(prop: Mapping[str, Any]) -> str:
    if prop.get("type") == "array":
        # A list chosen from choices the page supplies (the case's files): tick boxes.
        return "checkboxes"
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


#: The format hint API clients read in a date field's description (ISO, Common Era);
#: people type วว/ดด/ปปปป in the Buddhist Era instead, so the page says that.
_DATE_HINT = "วันที่ในรูปแบบ ปปปป-ดด-วว (ปี ค.ศ.)"
_DATE_HINT_EN = "A date as YYYY-MM-DD (Common Era)"


def date_entry_help() -> str:
    """The hint under every date input (the parser takes exactly this, and ISO)."""
    return _("พิมพ์ วว/ดด/ปปปป ปี พ.ศ. เช่น 20/11/2569")


def _help(prop: Mapping[str, Any], kind: str, language: str = "th") -> str:
    text = description_in(prop, language)
    if kind == "date":
        text = " ".join(part for part in (
            text.replace(_DATE_HINT, "").replace(_DATE_HINT_EN, "").strip(),
            date_entry_help()) if part)
    return text


def _with_condition(text: str, other: str | None, properties: Mapping[str, Any],
                    language: str) -> str:
    """A field required when another has a value says so under its label."""
    if not other:
        return text
    prop = properties.get(other)
    label = title_in(prop, language, other) if isinstance(prop, Mapping) else other
    rule = _("ต้องกรอกเมื่อกรอก “%(field)s”", field=label)
    return f"{text} ({rule})" if text else rule


def _lacks_translation(prop: Mapping[str, Any], language: str) -> bool:
    """Whether a Thai text of this field would show on a page in ``language``."""
    if language == "th":
        return False
    nodes = [prop, *choice_nodes(prop)]
    return any(node.get(key) and translated(node, key, language) is None
               for node in nodes for key in ("title", "description"))


def shown_date(value: Any) -> str:
    """A date for a date input: a stored ISO (CE) date in the Buddhist Era, 20/11/2569;
    anything else (what a person typed and was refused) as it is."""
    if isinstance(value, date):
        return format_date_entry(value)
    text = "" if value is None else str(value)
    try:
        return format_date_entry(parse_iso_day(text))
    except ValueError:
        return text


def typed_date(text: str) -> tuple[date | None, str]:
    """(the date, "") from what a person typed, or (None, why not in their language)."""
    try:
        return parse_date_entry(text), ""
    except DateEntryError as error:
        return None, localize(str(error))


def _display_value(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == "checkbox":
        return value is True or value in ("on", "true", "1")
    if kind == "date":
        return shown_date(value)
    if kind == "checkboxes":
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else []
    return value if isinstance(value, str) else str(value)


def fields_for(
    schema: Mapping[str, Any] | None,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    choices: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> list[Field]:
    """One Field per property of ``schema``, in the schema's order.

    ``choices`` are the options of fields whose list the form file cannot hold (``"x-choices"``,
    e.g. the case's files, from the engine); a field's ``default`` is its first value."""
    if not schema:
        return []
    values, errors, choices = values or {}, errors or {}, choices or {}
    required = set(schema.get("required") or [])
    when = required_when(schema)
    properties = schema.get("properties") or {}
    language = current_language()
    result = []
    for name, prop in properties.items():
        if not isinstance(prop, Mapping):
            continue
        kind = _kind(prop)
        result.append(Field(
            name=name,
            label=title_in(prop, language, name),
            kind=kind,
            help=_with_condition(_help(prop, kind, language), when.get(name), properties,
                                 language),
            # An unticked box is an answer ("no"), never a missing one.
            required=name in required and kind != "checkbox",
            value=_display_value(values.get(name, prop.get("default")), kind),
            error=errors.get(name, ""),
            options=list(choices.get(name, ())) or _choices(prop, language),
            max_length=prop.get("maxLength"),
            step="1" if prop.get("type") == "integer" else ("any" if kind == "number" else None),
            lang="th" if _lacks_translation(prop, language) else "",
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

    Checkboxes become booleans; empty optional strings are left out; numbers and dates
    (วว/ดด/ปปปป in the Buddhist Era, or ISO) are parsed.
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
        if kind == "array":
            ticked = [v.strip() for v in form.getlist(name) if v.strip()]
            typed[name] = ticked
            if ticked and all(v.isdecimal() for v in ticked):
                data[name] = [int(v) for v in ticked]
            elif ticked:
                errors[name] = _("กรุณาเลือกจากรายการ")
            continue
        raw = form.get(name, "")
        raw = raw.replace("\r\n", "\n")
        typed[name] = raw
        text = raw.strip()
        if text == "":
            continue
        if kind == "string" and prop.get("format") == "date":
            # Typed in the Buddhist Era (or ISO CE); the engine gets ISO CE.
            day, problem = typed_date(text)
            if day is None:
                errors[name] = problem
            else:
                data[name] = day.isoformat()
        elif kind == "integer":
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
