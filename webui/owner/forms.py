"""The form editor (process owners): the forms under processes/forms/ as lists of fields.

One page per form, one HTML form on it, no script needed: each button posts the whole
list with what it asks for (``action``): add a field, move one up or down, remove one,
show the preview (drawn by webui/forms_render.py, as the task page draws it), or save.
Only "save" writes anything (engine/services/admin/forms_edit.py). A saved form reaches
new cases once the processes that use it are deployed again: "นำไปใช้" opens the usual
upload preview of that process's BPMN, with its change summary, to confirm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from engine.bpmn.form_fields import KINDS, FormField
from engine.core.errors import InvalidData, NotFound
from engine.services.admin import forms_edit
from webui.forms_render import fields_for
from webui.i18n import localize, localize_fields
from webui.owner.processes import bp, owner_required, preview_page
from webui.web import actor, rt


def kind_labels() -> dict[str, str]:
    """The seven kinds of field, in the reader's language."""
    return {
        "text": _("ข้อความสั้น"), "textarea": _("ข้อความยาว"), "number": _("ตัวเลข"),
        "date": _("วันที่"), "choice": _("ตัวเลือกจากรายการ"),
        "yesno": _("ใช่/ไม่ใช่ (ช่องทำเครื่องหมาย)"), "file": _("เลือกไฟล์ของเรื่อง"),
    }


def _path(name: str) -> str:
    return f"{forms_edit.FORMS_DIR}/{name}{forms_edit.SUFFIX}"


@bp.get("/forms")
@owner_required
def form_list() -> tuple[str, int]:
    return _list_page()


def _list_page(*, status: int = 200, errors: Mapping[str, str] | None = None,
               message: str = "", values: Mapping[str, str] | None = None) -> tuple[str, int]:
    return render_template("owner/forms.html", forms=forms_edit.list_forms(rt(), actor()),
                           errors=errors or {}, message=message, values=values or {},
                           suffix=forms_edit.SUFFIX), status


@bp.post("/forms/new")
@owner_required
def form_new() -> BaseResponse | tuple[str, int]:
    values = {k: (request.form.get(k) or "").strip() for k in ("name", "title_th", "title_en")}
    try:
        path = forms_edit.new_form_path(values["name"])
        forms_edit.save_form(rt(), actor(), path, values["title_th"], values["title_en"], [],
                             new=True)
    except InvalidData as error:
        return _list_page(status=400, errors=localize_fields(error.fields),
                          message=localize(error.message), values=values)
    flash(_("สร้างแบบฟอร์มแล้ว เพิ่มช่องได้ด้านล่าง"), "success")
    return redirect(url_for("owner.form_edit", name=values["name"]))


@bp.get("/forms/<name>")
@owner_required
def form_edit(name: str) -> tuple[str, int]:
    form = _read(name)
    return _edit_page(form, form["title_th"], form["title_en"], form["fields"])


def _read(name: str) -> dict[str, Any]:
    try:
        return forms_edit.read_form(rt(), actor(), _path(name))
    except NotFound:
        abort(404)


def _edit_page(form: Mapping[str, Any], title_th: str, title_en: str,
               fields: Sequence[FormField], *, status: int = 200,
               errors: Mapping[str, str] | None = None, message: str = "",
               preview: Mapping[str, Any] | None = None) -> tuple[str, int]:
    name = form["path"].removeprefix(f"{forms_edit.FORMS_DIR}/").removesuffix(
        forms_edit.SUFFIX)
    return render_template(
        "owner/forms_edit.html", form=form, name=name, title_th=title_th, title_en=title_en,
        fields=fields, errors=errors or {}, message=message, kinds=KINDS,
        kind_labels=kind_labels(),
        lists=forms_edit.available_lists(rt()),
        fixed_personal=forms_edit.fixed_personal(form["used_by"]),
        preview_fields=fields_for(preview) if preview is not None else None,
        preview=preview,
    ), status


@bp.post("/forms/<name>")
@owner_required
def form_post(name: str) -> BaseResponse | tuple[str, int]:
    form = _read(name)
    title_th = (request.form.get("title_th") or "").strip()
    title_en = (request.form.get("title_en") or "").strip()
    fields = fields_posted(request.form, form, form["personal_default"])
    action = request.form.get("action") or ""
    if action == "save":
        return _save(form, name, title_th, title_en, fields)
    if action == "preview":
        try:
            preview = forms_edit.preview_form(rt(), actor(), form["path"], title_th, title_en,
                                              fields)
        except InvalidData as error:
            return _edit_page(form, title_th, title_en, fields, status=400,
                              errors=localize_fields(error.fields),
                              message=localize(error.message))
        return _edit_page(form, title_th, title_en, fields, preview=preview)
    fields = rearranged(fields, action, form["personal_default"])
    return _edit_page(form, title_th, title_en, fields)


def _save(form: Mapping[str, Any], name: str, title_th: str, title_en: str,
          fields: list[FormField]) -> BaseResponse | tuple[str, int]:
    try:
        saved = forms_edit.save_form(rt(), actor(), form["path"], title_th, title_en, fields)
    except InvalidData as error:
        return _edit_page(form, title_th, title_en, fields, status=400,
                          errors=localize_fields(error.fields), message=localize(error.message))
    flash(_("บันทึกแบบฟอร์มแล้ว"), "success")
    if saved["used_by"]:
        flash(_("เรื่องใหม่จะใช้แบบฟอร์มนี้เมื่อกด “นำไปใช้” กับกระบวนงานที่ใช้แบบฟอร์มนี้"), "info")
    return redirect(url_for("owner.form_edit", name=name))


def rearranged(fields: list[FormField], action: str, personal_default: bool) -> list[FormField]:
    """The list after "add", "up-<n>", "down-<n>" or "remove-<n>" (n from 1); anything
    else leaves it as it is."""
    fields = list(fields)
    if action == "add":
        fields.append(FormField(name="", personal=True if personal_default else None))
        return fields
    verb, _sep, number = action.partition("-")
    if not number.isdecimal() or not 1 <= int(number) <= len(fields):
        return fields
    index = int(number) - 1
    if verb == "remove":
        del fields[index]
    elif verb == "up" and index > 0:
        fields[index - 1], fields[index] = fields[index], fields[index - 1]
    elif verb == "down" and index < len(fields) - 1:
        fields[index + 1], fields[index] = fields[index], fields[index + 1]
    return fields


def fields_posted(data: MultiDict, form: Mapping[str, Any],
                  personal_default: bool) -> list[FormField]:
    """The fields as the page posted them (``<n>-<what>``, n from 1, in the page's order),
    each with the property the file has under its original name, so what the page does
    not show is kept."""
    originals = {f.name: f for f in form["fields"]}
    try:
        count = min(int(data.get("count") or 0), forms_edit.MAX_FIELDS + 1)
    except ValueError:
        count = 0
    result = []
    for n in range(1, count + 1):
        def text(what: str, n: int = n) -> str:
            return (data.get(f"{n}-{what}") or "").strip()
        original = originals.get(text("orig"))
        if f"{n}-personal_shown" in data:
            # An unmarked field left unticked stays unmarked: saving changes nothing.
            was = data.get(f"{n}-personal_shown")
            ticked = f"{n}-personal" in data
            personal: bool | None = True if ticked else (None if was == "none" else False)
        else:
            personal = original.personal if original else (True if personal_default else None)
        result.append(FormField(
            name=text("name"), title_th=text("title_th"), title_en=text("title_en"),
            help_th=text("help_th"), help_en=text("help_en"), kind=text("kind") or "text",
            required=f"{n}-required" in data, required_if=text("required_if"),
            choices_list=text("list") if text("kind") == "choice" else "",
            personal=personal, original=dict(original.original) if original else {}))
    return result


@bp.post("/forms/<name>/deploy")
@owner_required
def form_deploy(name: str) -> tuple[str, int] | BaseResponse:
    """The upload preview of a process that uses this form, its BPMN as it is in
    processes/: the change summary shows the form's change, and the usual confirm
    deploys it as a new version."""
    form = _read(name)
    key = request.form.get("process") or ""
    user = next((u for u in form["used_by"] if u["key"] == key), None)
    if user is None:
        # A process that does not use this form (or none chosen): say so on the form's page.
        flash(_("เลือกกระบวนงานที่ใช้แบบฟอร์มนี้"),
              "error")
        return redirect(url_for("owner.form_edit", name=name))
    file = rt().settings.processes_dir / str(user["file_name"])
    try:
        data = file.read_bytes()
    except OSError as error:
        flash(_("เปิดไฟล์กระบวนงานไม่ได้: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("owner.form_edit", name=name))
    return preview_page(str(user["file_name"]), data)
