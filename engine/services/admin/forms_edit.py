"""The form editor's commands: list the forms under processes/forms/, read one as a list
of fields, save it (or a new one) back, checked, and audited.

A saved form is a file in processes/, as an uploaded BPMN is, so ``govflow deploy`` never
undoes it; it takes effect for new cases only when the processes that use it are deployed
again (a new version: ``engine.services.admin.versions``). Before a save is kept, every
process that uses the form is checked with it, so a field a gateway reads cannot be
removed or renamed by accident; a save that would break one changes nothing.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.bpmn.definitions import check_file
from engine.bpmn.form_fields import (
    KINDS,
    LIST_NAME,
    NAME,
    FormField,
    fields_of,
    inline_choices,
    schema_of,
)
from engine.bpmn.forms import MAX_FORM_BYTES, choice_nodes, inline_form, load_form, title_in
from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Forbidden, FormFileError, InvalidData, NotFound
from engine.core.models import ProcessVersion
from engine.core.personal_data import PERSONAL_FIELDS
from engine.services.admin.versions import OWNER_ROLES
from engine.workflow.runtime import Runtime

FORMS_DIR = "forms"
LISTS_DIR = "lists"
SUFFIX = ".schema.json"
_PATH = re.compile(r"^forms/([a-z0-9][a-z0-9_-]{0,80})\.schema\.json$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,80}$")
MAX_FIELDS = 100
MAX_TEXT = 2000


def _require_owner(actor: Actor | None) -> None:
    if actor is not None and actor.roles.isdisjoint(OWNER_ROLES):
        raise Forbidden("เฉพาะผู้ดูแลกระบวนงาน / process owners only")


def _checked_path(path: str) -> str:
    if not isinstance(path, str) or not _PATH.match(path):
        raise NotFound(f"ไม่พบแบบฟอร์ม {path!r} / no form {path!r}")
    return path


def form_files(rt: Runtime) -> list[str]:
    """Every form under processes/forms/, as ``forms/<name>.schema.json``, sorted."""
    folder = rt.settings.processes_dir / FORMS_DIR
    return sorted(f"{FORMS_DIR}/{p.name}" for p in folder.glob(f"*{SUFFIX}")
                  if _PATH.match(f"{FORMS_DIR}/{p.name}"))


def _raw(rt: Runtime, path: str) -> dict[str, Any]:
    file = rt.settings.processes_dir / path
    if not file.is_file():
        raise NotFound(f"ไม่พบแบบฟอร์ม {path} / no form {path}")
    try:
        schema = json.loads(file.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormFileError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(schema, dict):
        raise FormFileError(f"{path} is not a JSON object")
    return schema


def users_of(rt: Runtime) -> dict[str, list[dict[str, Any]]]:
    """Form path → the current versions whose bundle holds it (key, name, file, version,
    and whether the deployed copy differs from the file)."""
    result: dict[str, list[dict[str, Any]]] = {}
    with rt.db.read() as session:
        rows = session.scalars(select(ProcessVersion).where(
            ProcessVersion.is_current.is_(True)).order_by(ProcessVersion.process_key)).all()
        for row in rows:
            bundle = rt.definitions.get(row).bundle
            for path, deployed in bundle.forms.items():
                result.setdefault(path, []).append({
                    "key": row.process_key, "name": row.name, "file_name": row.file_name,
                    "version": row.version, "deployed": deployed})
    return result


def personal_by_default(path: str, users: Sequence[Mapping[str, Any]]) -> bool:
    """A new field of a form that a process holding personal data (the complaints) uses,
    or that is named for one (``complaint-…``), is personal data unless marked otherwise."""
    keys = {user["key"] for user in users}
    stem = path.removeprefix(f"{FORMS_DIR}/")
    return any(key in PERSONAL_FIELDS for key in keys) or any(
        stem.startswith(f"{key}-") for key in PERSONAL_FIELDS)


def fixed_personal(users: Sequence[Mapping[str, Any]]) -> set[str]:
    """The fields that are personal whatever a form says (the complainant's and the
    accused's), for the processes that use a form."""
    return {name for user in users for name in PERSONAL_FIELDS.get(str(user["key"]), ())}


def list_forms(rt: Runtime, actor: Actor | None) -> list[dict[str, Any]]:
    """The forms API's list: each form's path, titles and fields (name, Thai title, kind)."""
    _require_owner(actor)
    users = users_of(rt)
    result = []
    for path in form_files(rt):
        try:
            inlined = load_form(rt.settings.processes_dir, path)
            fields = fields_of(_raw(rt, path))
        except FormFileError:
            continue  # a broken file is for the validator to report, not for a list
        properties = inlined.get("properties") or {}
        result.append({
            "path": path,
            "title_th": title_in(inlined, "th", path),
            "title_en": title_in(inlined, "en", path),
            "fields": [_listed_field(f, properties.get(f.name) or {}) for f in fields],
            "used_by": [u["key"] for u in users.get(path, ())],
            "personal_default": personal_by_default(path, users.get(path, ())),
        })
    return result


def _listed_field(spec: FormField, inlined: Mapping[str, Any]) -> dict[str, Any]:
    """A field as the editor's side panel needs it: name, titles, kind, and the choices a
    gateway's condition may test (from its list when it has one)."""
    return {
        "name": spec.name, "type": spec.kind,
        "title_th": title_in(inlined, "th", spec.name),
        "title_en": title_in(inlined, "en", spec.name),
        "choices": [{"const": str(o["const"]), "title_th": title_in(o, "th", str(o["const"])),
                     "title_en": title_in(o, "en", str(o["const"]))}
                    for o in choice_nodes(inlined)],
    }


def available_lists(rt: Runtime) -> list[dict[str, Any]]:
    """The lists under processes/lists/ a choice may come from: name, titles, choices."""
    folder = rt.settings.processes_dir / LISTS_DIR
    result = []
    for file in sorted(folder.glob("*.json")):
        if not LIST_NAME.match(file.stem):
            continue
        try:
            data = json.loads(file.read_bytes())
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        choices = [{"const": str(o["const"]), "title_th": title_in(o, "th", str(o["const"])),
                    "title_en": title_in(o, "en", str(o["const"]))}
                   for o in data.get("oneOf") or () if isinstance(o, Mapping) and "const" in o]
        result.append({"name": file.stem, "title_th": title_in(data, "th", file.stem),
                       "title_en": title_in(data, "en", file.stem), "choices": choices})
    return result


def read_form(rt: Runtime, actor: Actor | None, path: str) -> dict[str, Any]:
    """One form for the editor: its titles, its fields, who uses it, and whether the
    deployed processes still run an older copy of it."""
    _require_owner(actor)
    path = _checked_path(path)
    raw = _raw(rt, path)
    users = users_of(rt).get(path, [])
    try:
        current = load_form(rt.settings.processes_dir, path)
    except FormFileError:
        current = None
    return {
        "path": path,
        "title_th": str(raw.get("title") or ""),
        "title_en": str(raw.get("x-title-en") or ""),
        "fields": fields_of(raw),
        "raw": raw,
        "used_by": [{k: v for k, v in u.items() if k != "deployed"}
                    | {"pending": u["deployed"] != current} for u in users],
        "personal_default": personal_by_default(path, users),
    }


def preview_form(rt: Runtime, actor: Actor | None, path: str, title_th: str, title_en: str,
                 fields: Sequence[FormField]) -> dict[str, Any]:
    """The form as it would be saved, its lists inlined as a task page gets it; nothing
    is written. Refused like a save when a field cannot be saved."""
    _require_owner(actor)
    path = _checked_path(path)
    target = rt.settings.processes_dir / path
    base = _raw(rt, path) if target.is_file() else {}
    check_fields(rt, title_th, fields)
    schema = schema_of(base, title_th.strip(), title_en.strip(), list(fields))
    try:
        return inline_form(rt.settings.processes_dir, schema, path)
    except FormFileError as error:
        raise InvalidData(f"แบบฟอร์มนี้ใช้ไม่ได้ / this form cannot be used: {error}") from None


def new_form_path(name: Any) -> str:
    if not isinstance(name, str) or not _SLUG.match(name.strip()):
        raise InvalidData(
            "ชื่อไฟล์แบบฟอร์มใช้ได้เฉพาะอักษรอังกฤษตัวเล็ก ตัวเลข - และ _ เช่น complaint-check / "
            "a form's name may use only lower-case letters, digits, - and _, e.g. "
            "complaint-check", {"name": "a-z 0-9 - _"})
    return f"{FORMS_DIR}/{name.strip()}{SUFFIX}"


def save_form(rt: Runtime, actor: Actor | None, path: str, title_th: str, title_en: str,
              fields: Sequence[FormField], *, new: bool = False) -> dict[str, Any]:
    """Write a form file (a new one with ``new``), checked as a schema and against every
    process that uses it; audited. Returns its path and the processes that use it."""
    _require_owner(actor)
    path = _checked_path(path)
    target = rt.settings.processes_dir / path
    if new and target.exists():
        raise InvalidData(f"มีแบบฟอร์ม {path} อยู่แล้ว กรุณาใช้ชื่ออื่น / {path} already exists; "
                          "choose another name", {"name": "ใช้ชื่ออื่น / another name"})
    if not new and not target.is_file():
        raise NotFound(f"ไม่พบแบบฟอร์ม {path} / no form {path}")
    base = {} if new else _raw(rt, path)
    fields = list(fields)
    check_fields(rt, title_th, fields)
    text = json.dumps(schema_of(base, title_th.strip(), title_en.strip(), fields),
                      ensure_ascii=False, indent=2) + "\n"
    if len(text.encode("utf-8")) > MAX_FORM_BYTES:
        raise InvalidData("แบบฟอร์มใหญ่เกินกำหนด / the form is too large")
    users = users_of(rt).get(path, [])
    previous = None if new else target.read_bytes()
    _write(target, text, rt.settings.processes_dir, path)
    try:
        _check_users(rt, users)
    except BaseException:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(previous)
        raise
    with rt.db.write() as session:
        record(session, actor, "form_created" if new else "form_saved", file=path,
               fields=[f.name for f in fields])
    return {"path": path, "used_by": [u["key"] for u in users]}


def _write(target: Path, text: str, processes_dir: Path, path: str) -> None:
    """Write beside the target, read it back as the engine will, then put it in place:
    a file that is not a valid form never replaces one that is."""
    handle, name = tempfile.mkstemp(prefix=".editing-", suffix=SUFFIX, dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            load_form(processes_dir, f"{FORMS_DIR}/{Path(name).name}")
        except FormFileError as error:
            raise InvalidData(f"แบบฟอร์มนี้ใช้ไม่ได้ / this form cannot be used: {error}"
                              ) from None
        os.replace(name, target)
    finally:
        Path(name).unlink(missing_ok=True)


def _check_users(rt: Runtime, users: Sequence[Mapping[str, Any]]) -> None:
    for user in users:
        file = rt.settings.processes_dir / str(user["file_name"])
        if not file.is_file():
            continue
        errors = [p for p in check_file(file, rt.settings.processes_dir).problems
                  if p.severity == "error"]
        if errors:
            raise InvalidData(
                f"บันทึกไม่ได้: กระบวนงาน {user['key']} จะใช้ไม่ได้กับแบบฟอร์มนี้ ไม่มีการเปลี่ยนแปลง / "
                f"not saved: process {user['key']} would not work with this form; nothing "
                "changed",
                {"form": "; ".join(f"{p.message_th} / {p.message}" for p in errors[:3])})


def check_fields(rt: Runtime, title_th: str, fields: Sequence[FormField]) -> None:
    """Refuse a form that cannot be saved, naming each field to fix (``<n>.<what>``,
    ``n`` counting from 1 as the page shows them)."""
    problems: dict[str, str] = {}
    if not (title_th or "").strip():
        problems["title_th"] = "กรุณากรอกชื่อแบบฟอร์มภาษาไทย / fill in the form's Thai title"
    if len(fields) > MAX_FIELDS:
        problems["fields"] = f"ไม่เกิน {MAX_FIELDS} ช่อง / at most {MAX_FIELDS} fields"
    lists = {item["name"] for item in available_lists(rt)}
    names = [f.name for f in fields]
    kinds = {f.name: f.kind for f in fields}
    for number, spec in enumerate(fields, start=1):
        problems.update({f"{number}.{key}": message
                         for key, message in _field_problems(spec, names, kinds, lists).items()})
    if problems:
        raise InvalidData("แบบฟอร์มยังบันทึกไม่ได้ กรุณาแก้ช่องที่ระบุ / the form cannot be saved "
                          "yet; correct each field named", problems)


def _field_problems(spec: FormField, names: list[str], kinds: Mapping[str, str],
                    lists: set[str]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not NAME.match(spec.name):
        problems["name"] = ("ชื่อช่องใช้อักษรอังกฤษตัวเล็ก ตัวเลข และ _ ขึ้นต้นด้วยตัวอักษร เช่น "
                            "review_note / a field's name uses lower-case letters, digits and "
                            "_, starting with a letter, e.g. review_note")
    elif names.count(spec.name) > 1:
        problems["name"] = "มีช่องชื่อนี้แล้ว / another field has this name"
    if not spec.title_th.strip() and not (spec.kind == "choice" and spec.choices_list):
        problems["title_th"] = "กรุณากรอกชื่อช่องภาษาไทย / fill in the field's Thai label"
    if any(len(t) > MAX_TEXT for t in (spec.title_th, spec.title_en, spec.help_th,
                                        spec.help_en)):
        problems["help_th"] = f"ข้อความยาวเกิน {MAX_TEXT} ตัวอักษร / longer than {MAX_TEXT}"
    if spec.kind not in KINDS:
        problems["kind"] = "กรุณาเลือกชนิดของช่อง / choose the field's kind"
    elif spec.kind == "choice" and not spec.choices_list and not inline_choices(spec.original):
        problems["choices_list"] = "กรุณาเลือกรายการตัวเลือก / choose the list of choices"
    elif spec.kind == "choice" and spec.choices_list and spec.choices_list not in lists:
        problems["choices_list"] = "ไม่มีรายการนี้ใน processes/lists/ / no such list"
    if spec.required_if:
        if spec.required_if == spec.name or spec.required_if not in names:
            problems["required_if"] = ("กรุณาเลือกช่องอื่นในแบบฟอร์มนี้ / choose another field of "
                                       "this form")
        elif kinds.get(spec.required_if) == "yesno":
            problems["required_if"] = ("ช่องใช่/ไม่ใช่มีค่าเสมอ เลือกช่องอื่น หรือทำเป็นช่องที่ต้องกรอก / a "
                                       "yes/no field always has a value: choose another field, "
                                       "or make this one required")
    return problems
