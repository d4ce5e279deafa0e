"""Task forms: JSON Schema files under ``processes/``, validated with Thai messages.

A form file may point at a shared list with a relative ``$ref`` (e.g.
``../lists/complaint_types.json``). References are inlined at deploy time, so the
API serves one self-contained schema and nothing is ever looked up at run time.

Titles and descriptions are Thai (the source language). Their English sits beside them in
the same node as ``x-title-en`` and ``x-description-en``: JSON Schema ignores keywords it
does not know, so validation, the version hash and the API's schema carry them unchanged,
and a process owner who edits a title sees its English on the next line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError

from engine.core.emails import email_problem
from engine.core.errors import FormFileError, InvalidData
from engine.thai.dates import DateEntryError, parse_iso_day

MAX_FORM_BYTES = 512 * 1024
_MAX_REF_DEPTH = 10


def load_form(processes_dir: Path, relative: str) -> dict[str, Any]:
    """Read a form file and inline its relative ``$ref``s; refuses paths outside the folder."""
    root = processes_dir.resolve()
    return _load(root, root / relative, 0)


def _load(root: Path, path: Path, depth: int) -> dict[str, Any]:
    path = path.resolve()
    if not path.is_relative_to(root):
        raise FormFileError(f"{path.name}: form files must stay inside processes/")
    if depth > _MAX_REF_DEPTH:
        raise FormFileError(f"{path.name}: $ref nesting deeper than {_MAX_REF_DEPTH}")
    if not path.is_file():
        raise FormFileError(f"form file {path.relative_to(root)} does not exist")
    if path.stat().st_size > MAX_FORM_BYTES:
        raise FormFileError(f"{path.name} is larger than {MAX_FORM_BYTES} bytes")
    try:
        schema = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormFileError(f"{path.relative_to(root)} is not valid JSON: {exc}") from exc
    resolved = _inline_refs(root, path.parent, schema, depth)
    problem = _schema_problem(json.dumps(resolved, sort_keys=True, ensure_ascii=False))
    if problem is not None:
        where = path.relative_to(root)
        raise FormFileError(f"{where} is not a valid JSON Schema: {problem}")
    return resolved


def inline_form(processes_dir: Path, schema: dict[str, Any], relative: str) -> dict[str, Any]:
    """A form not written yet (the form editor's preview) read as if it were the file
    ``relative``: its relative ``$ref``s inlined, and checked as a JSON Schema."""
    root = processes_dir.resolve()
    resolved = _inline_refs(root, (root / relative).parent, schema, 0)
    problem = _schema_problem(json.dumps(resolved, sort_keys=True, ensure_ascii=False))
    if problem is not None:
        raise FormFileError(f"{relative} is not a valid JSON Schema: {problem}")
    return dict(resolved)


@lru_cache(maxsize=512)
def _schema_problem(canonical: str) -> str | None:
    """Why a form (as canonical JSON) is not a JSON Schema, or None. Checking a schema
    against the metaschema is most of a deploy's time, and a form that did not change
    between two deploys, validations or uploads need not be checked again."""
    try:
        Draft202012Validator.check_schema(json.loads(canonical))
    except SchemaError as exc:
        return exc.message
    return None


def _inline_refs(root: Path, base: Path, node: Any, depth: int) -> Any:
    if isinstance(node, list):
        return [_inline_refs(root, base, item, depth) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#"):
        if "://" in ref:
            raise FormFileError(f"$ref {ref!r}: only relative file references are allowed")
        target = _load(root, base / ref, depth + 1)
        target = {k: v for k, v in target.items() if k != "$schema"}
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return {**target, **_inline_refs(root, base, rest, depth)}
    return {k: _inline_refs(root, base, v, depth) for k, v in node.items()}


_format_checker = FormatChecker()


@_format_checker.checks("uri", raises=ValueError)
def _is_web_link(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


@_format_checker.checks("email")
def _is_email(value: object) -> bool:
    # The one address rule of engine.core.emails, for every form (public, API, staff intake).
    return not isinstance(value, str) or email_problem(value) is None


@_format_checker.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    # ISO in the Common Era only; a year from 2400 on is a Buddhist-Era year, refused.
    if isinstance(value, str):
        parse_iso_day(value)
    return True


_validators: dict[int, Draft202012Validator] = {}


def _validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    # Schemas come from a frozen version bundle, so the object id is a stable cache key.
    key = id(schema)
    validator = _validators.get(key)
    if validator is None or validator.schema is not schema:
        validator = Draft202012Validator(schema, format_checker=_format_checker)
        _validators[key] = validator
    return validator


def validate_form(schema: Mapping[str, Any], data: Any) -> dict[str, Any]:
    """Check ``data`` against ``schema``; raise InvalidData naming every bad field."""
    if not isinstance(data, dict):
        raise InvalidData("ข้อมูลแบบฟอร์มต้องเป็นออบเจกต์ JSON / form data must be a JSON object")
    errors = sorted(_validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if not errors:
        return dict(data)
    fields: dict[str, str] = {}
    for error in errors:
        name, message = _describe(schema, error)
        fields.setdefault(name, message)
    raise InvalidData(
        "ข้อมูลในแบบฟอร์มไม่ถูกต้อง กรุณาแก้ไขช่องที่ระบุ / "
        "Some fields are not filled in correctly. Please correct each field named.",
        fields,
    )


#: Languages a form may carry besides Thai, each as ``x-title-<language>``.
TRANSLATED = ("en",)


def translated(node: Mapping[str, Any], key: str, language: str) -> str | None:
    """``node``'s ``key`` ("title", "description") in ``language``, or None when the form
    gives none (Thai is the source: its text is ``key`` itself)."""
    if language in TRANSLATED:
        text = node.get(f"x-{key}-{language}")
        return str(text) if text else None
    text = node.get(key)
    return str(text) if text else None


def title_in(node: Mapping[str, Any], language: str = "th", default: str = "") -> str:
    """A field's, option's or form's title in ``language``, falling back to Thai."""
    return translated(node, "title", language) or str(node.get("title") or default)


def description_in(node: Mapping[str, Any], language: str = "th") -> str:
    """A field's or form's description in ``language``, falling back to Thai."""
    return translated(node, "description", language) or str(node.get("description") or "")


def choice_nodes(prop: Any) -> list[Mapping[str, Any]]:
    """A field's choices (its ``oneOf`` or ``anyOf`` consts) in the form's order."""
    if not isinstance(prop, Mapping):
        return []
    return [o for o in prop.get("oneOf") or prop.get("anyOf") or ()
            if isinstance(o, Mapping) and "const" in o]


def choice_options(prop: Any, language: str = "th") -> dict[str, str]:
    """A field's choices, code → title in ``language``, in the form's order."""
    return {str(o["const"]): title_in(o, language, str(o["const"]))
            for o in choice_nodes(prop)}


def _titles(schema: Mapping[str, Any], name: str) -> tuple[str, str]:
    """A field's title in Thai and in English, for the two halves of a message."""
    prop = schema.get("properties", {}).get(name, {})
    if not isinstance(prop, Mapping):
        return name, name
    return title_in(prop, "th", name), title_in(prop, "en", name)


def _is_choice(schema: Mapping[str, Any], name: str) -> bool:
    prop = schema.get("properties", {}).get(name, {})
    return bool(choice_nodes(prop)) or bool(isinstance(prop, Mapping) and prop.get("enum"))


def _describe(schema: Mapping[str, Any], error: ValidationError) -> tuple[str, str]:
    """Map one jsonschema error to (field name, "Thai / English" message), each half a
    whole sentence that names the field in its own language."""
    path = [str(p) for p in error.path]
    name = path[0] if path else ""
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        th, en = _titles(schema, missing)
        if _is_choice(schema, missing):  # why: a list is chosen from, not typed in
            return missing, f"กรุณาเลือก {th} / Please choose “{en}”."
        return missing, f"กรุณากรอก {th} / Please fill in “{en}”."
    if kind == "dependentRequired":
        return _required_when(schema, error)
    if kind == "additionalProperties":
        extras = sorted(set(error.instance) - set(schema.get("properties", {})))
        field = extras[0] if extras else name
        return field, "แบบฟอร์มนี้ไม่มีช่องนี้ / This form has no such field."
    th, en = _titles(schema, name)
    value = error.validator_value
    messages = {
        "type": f"{th}: ชนิดข้อมูลไม่ถูกต้อง / {en}: wrong type (expected {value}).",
        "maxLength": f"{th}: ยาวเกิน {value} ตัวอักษร / {en}: longer than {value} characters.",
        "minLength": f"กรุณากรอก {th} / Please fill in “{en}”.",
        "const": f"{th}: ต้องยืนยันรายการนี้ / {en}: must be confirmed.",
        "oneOf": f"{th}: กรุณาเลือกจากรายการที่กำหนด / {en}: choose one of the listed values.",
        "enum": f"{th}: กรุณาเลือกจากรายการที่กำหนด / {en}: choose one of the listed values.",
        "format": _format_message((th, en), value, error.instance),
        "maximum": f"{th}: มากเกินไป / {en}: too large.",
        "minimum": f"{th}: น้อยเกินไป / {en}: too small.",
        "pattern": f"{th}: รูปแบบไม่ถูกต้อง / {en}: wrong format.",
    }
    return name, messages.get(kind, f"{th}: ค่าไม่ถูกต้อง / {en}: invalid value.")


_DEPENDENCY = re.compile(r"^'([^']*)' is a dependency of '([^']*)'$")


def _required_when(schema: Mapping[str, Any], error: ValidationError) -> tuple[str, str]:
    """A field required because another has a value (``dependentRequired``, the form
    editor's "required when"): the message names both."""
    # jsonschema says "'b' is a dependency of 'a'", one error per missing field.
    named = _DEPENDENCY.match(error.message)
    given = error.instance if isinstance(error.instance, Mapping) else {}
    missing, other = named.groups() if named else next(
        ((str(n), str(o)) for o, names in error.validator_value.items()
         if o in given for n in names if n not in given), ("", ""))
    th, en = _titles(schema, missing)
    other_th, other_en = _titles(schema, other)
    return missing, (f"กรุณากรอก {th} เมื่อกรอก {other_th} / Please fill in “{en}” when "
                     f"“{other_en}” is filled in.")


def required_when(schema: Mapping[str, Any]) -> dict[str, str]:
    """Field → the other field whose value makes it required (``dependentRequired``)."""
    result: dict[str, str] = {}
    for other, names in (schema.get("dependentRequired") or {}).items():
        for name in names if isinstance(names, list) else ():
            result.setdefault(str(name), str(other))
    return result


def _format_message(labels: tuple[str, str], fmt: object, value: object) -> str:
    th, en = labels
    if fmt == "email":  # why: a line break and a list each have their own fix
        thai, _sep, english = (email_problem(value) or
                               "อีเมลไม่ถูกต้อง / invalid e-mail address").partition(" / ")
        return f"{th}: {thai} / {en}: {english}"
    if fmt == "date" and isinstance(value, str):  # why: the message says how it was read
        try:
            parse_iso_day(value)
        except DateEntryError as error:
            return f"{th}: {error.thai} / {en}: {error.english}"
    return {
        "date": f"{th}: วันที่ไม่ถูกต้อง ใช้รูปแบบ ปปปป-ดด-วว (ค.ศ.) / "
        f"{en}: use a date as YYYY-MM-DD.",
        "uri": f"{th}: ลิงก์ต้องขึ้นต้นด้วย http:// หรือ https:// / "
        f"{en}: must be an http(s) link.",
    }.get(str(fmt), f"{th}: รูปแบบไม่ถูกต้อง / {en}: wrong format.")
