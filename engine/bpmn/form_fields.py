"""A form file as the form editor shows it: a list of fields, and back to a JSON Schema.

The editor offers seven kinds of field, each written the way the task page's renderer
(webui/forms_render.py) and the validator (engine/bpmn/forms.py) already read them:

==========  ======================================================================
text        ``"type": "string"`` (one line, up to 300 characters unless set)
textarea    ``"type": "string"`` with ``maxLength`` of 500 or more (a text area)
number      ``"type": "number"`` (or ``"integer"`` where the file says so)
date        ``"type": "string", "format": "date"`` (typed in the Buddhist Era)
choice      ``"$ref": "../lists/<list>.json"`` (a list under processes/lists/), or the
            ``oneOf`` choices the file writes out itself, kept as written
yesno       ``"type": "boolean"`` (a tick box)
file        the case's files to choose from (``"x-choices": "case_files"``)
==========  ======================================================================

"Required when another field has a value" is JSON Schema's own ``dependentRequired``
(``{"other": ["this"]}``), so jsonschema checks it with no keyword of govflow's.
Everything else a property holds (lengths, formats, ``x-…`` keys) is kept as written
while its kind stays the same; a property or a form-level rule (``allOf``) the editor
does not show is never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.bpmn.forms import required_when

KINDS = ("text", "textarea", "number", "date", "choice", "yesno", "file")
#: Where a choice field's list lives, relative to a form under processes/forms/.
LIST_PREFIX = "../lists/"
LIST_SUFFIX = ".json"
#: The case-files choices the renderer fills in from the case.
CASE_FILES = "case_files"
#: A new text field's length, and a text area's (the shipped forms' usual values).
TEXT_LENGTH = 300
TEXTAREA_LENGTH = 5000
TEXTAREA_FROM = 500
NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
LIST_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")

#: Keys that say what kind a property is: kept only while its kind stays the same.
_SHAPE_KEYS = ("type", "format", "maxLength", "minLength", "$ref", "oneOf", "anyOf", "enum",
               "items", "uniqueItems", "maxItems", "minItems", "x-choices", "minimum",
               "maximum")


@dataclass
class FormField:
    name: str
    title_th: str = ""
    title_en: str = ""
    help_th: str = ""
    help_en: str = ""
    kind: str = "text"
    required: bool = False
    #: The other field whose value makes this one required ("" for none).
    required_if: str = ""
    #: The list under processes/lists/ a choice comes from (its file name without .json).
    choices_list: str = ""
    #: ``x-personal``: True or False when marked, None when the file does not say.
    personal: bool | None = None
    #: The property as the file has it, so what the editor does not show is kept.
    original: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title_th": self.title_th, "title_en": self.title_en,
                "help_th": self.help_th, "help_en": self.help_en, "kind": self.kind,
                "required": self.required, "required_if": self.required_if,
                "choices_list": self.choices_list, "personal": self.personal,
                "inline_choices": inline_choices(self.original)}


def list_of(prop: Mapping[str, Any]) -> str:
    """The list a property's ``$ref`` names (``../lists/x.json`` → ``x``), or ""."""
    ref = prop.get("$ref")
    if isinstance(ref, str) and ref.startswith(LIST_PREFIX) and ref.endswith(LIST_SUFFIX):
        return ref[len(LIST_PREFIX):-len(LIST_SUFFIX)]
    return ""


def inline_choices(prop: Mapping[str, Any]) -> list[dict[str, str]]:
    """The choices a property writes out itself (code, Thai, English), in order."""
    nodes = prop.get("oneOf") or prop.get("anyOf") or []
    return [{"const": str(n["const"]), "title_th": str(n.get("title") or ""),
             "title_en": str(n.get("x-title-en") or "")}
            for n in nodes if isinstance(n, Mapping) and "const" in n]


def kind_of(prop: Mapping[str, Any]) -> str:
    """The editor's kind for a property as written in a form file."""
    kind = prop.get("type")
    if list_of(prop) or inline_choices(prop) or prop.get("enum"):
        return "choice"
    if kind == "boolean":
        return "yesno"
    if kind == "array":
        return "file"
    if kind in ("number", "integer"):
        return "number"
    if prop.get("format") == "date":
        return "date"
    if (prop.get("maxLength") or 0) >= TEXTAREA_FROM:
        return "textarea"
    return "text"


def fields_of(schema: Mapping[str, Any]) -> list[FormField]:
    """The fields of a form file (as written, ``$ref``s not inlined), in its order."""
    required = set(schema.get("required") or ())
    when = required_when(schema)
    result = []
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, Mapping):
            continue
        personal = prop.get("x-personal")
        result.append(FormField(
            name=name, title_th=str(prop.get("title") or ""),
            title_en=str(prop.get("x-title-en") or ""),
            help_th=str(prop.get("description") or ""),
            help_en=str(prop.get("x-description-en") or ""),
            kind=kind_of(prop), required=name in required, required_if=when.get(name, ""),
            choices_list=list_of(prop),
            personal=personal if isinstance(personal, bool) else None,
            original=dict(prop)))
    return result


def property_of(spec: FormField) -> dict[str, Any]:
    """The JSON Schema property for one field: its shape kept when its kind and list are
    unchanged, else the kind's own shape; the file's order of keys is kept."""
    original = spec.original
    same = bool(original) and kind_of(original) == spec.kind and \
        list_of(original) == spec.choices_list
    texts = {"title": spec.title_th, "x-title-en": spec.title_en,
             "description": spec.help_th, "x-description-en": spec.help_en}
    shaped: dict[str, Any] = {} if same else _shape(spec)
    for key, value in original.items():
        if key in texts:
            if texts[key]:
                shaped[key] = texts[key]
        elif key != "x-personal" and (same or key not in _SHAPE_KEYS):
            shaped[key] = value
    shaped.update({k: v for k, v in texts.items() if v and k not in shaped})
    if spec.personal is not None:
        shaped["x-personal"] = spec.personal
    return shaped


def _shape(spec: FormField) -> dict[str, Any]:
    if spec.kind == "choice":
        return {"$ref": f"{LIST_PREFIX}{spec.choices_list}{LIST_SUFFIX}"}
    shapes: dict[str, dict[str, Any]] = {
        "text": {"type": "string", "maxLength": TEXT_LENGTH},
        "textarea": {"type": "string", "maxLength": TEXTAREA_LENGTH},
        "number": {"type": "number"},
        "date": {"type": "string", "format": "date", "maxLength": 10},
        "yesno": {"type": "boolean"},
        "file": {"type": "array", "x-choices": CASE_FILES,
                 "items": {"type": "integer", "minimum": 1}, "uniqueItems": True,
                 "maxItems": 10},
    }
    return shapes[spec.kind]


def schema_of(base: Mapping[str, Any], title_th: str, title_en: str,
              fields: list[FormField]) -> dict[str, Any]:
    """The whole form file: ``base``'s other keys kept, fields in the given order."""
    schema: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    schema.update({k: v for k, v in base.items()
                   if k not in ("properties", "required", "dependentRequired")})
    schema["title"] = title_th
    if title_en:
        schema["x-title-en"] = title_en
    else:
        schema.pop("x-title-en", None)
    schema.setdefault("type", "object")
    schema.setdefault("additionalProperties", False)
    schema["properties"] = {spec.name: property_of(spec) for spec in fields}
    schema["required"] = [spec.name for spec in fields if spec.required]
    when: dict[str, list[str]] = {}
    for spec in fields:
        if spec.required_if:
            when.setdefault(spec.required_if, []).append(spec.name)
    if when:
        schema["dependentRequired"] = when
    return schema
