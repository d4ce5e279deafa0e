"""Task pages, case pages, comments, attachments and the pages that start a case."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from io import BytesIO
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from engine.bpmn.forms import choice_options
from engine.core.errors import Conflict, Forbidden, InvalidData, NotFound, ProcessError
from engine.core.models import MAX_DB_INT
from engine.core.statuses import TaskStatus
from engine.services.admin import processes
from engine.services.complaints import letters
from engine.services.inbox import attachments, comments, instances, tasks
from engine.services.publishing import requests as publications
from engine.thai.workdays import BANGKOK
from webui.forms_render import fields_for, form_errors_elsewhere, parse_form
from webui.i18n import localize, localize_fields
from webui.web import actor, chosen_files, rt, safe_next, show_date

bp = Blueprint("cases", __name__)

#: A date kept by a script task rather than a form (e.g. the follow-up clock's start).
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

#: Uploads are allowed this much above the file limit for the rest of the form.
UPLOAD_OVERHEAD = 64 * 1024
#: The largest bodies of one file upload and of a start with its files (the scans).
ATTACHMENT_BODY_BYTES = attachments.MAX_BYTES + UPLOAD_OVERHEAD
START_BODY_BYTES = instances.MAX_START_FILES * attachments.MAX_BYTES + UPLOAD_OVERHEAD
MAX_COMMENT = 5000


def allow_large_upload() -> None:
    """Runs before CSRF parsing: only the upload endpoints may send a file-sized body."""
    if request.endpoint in ("cases.upload_attachment", "api.add_evidence"):
        request.max_content_length = ATTACHMENT_BODY_BYTES
    elif request.endpoint == "cases.start" and request.method == "POST":
        request.max_content_length = START_BODY_BYTES


# ---- what every case view shows: data, history, comments, attachments -----------------

def _action_labels() -> dict[str, str]:
    return {
        "instance_started": _("เริ่มเรื่อง"),
        "task_claimed": _("รับงาน"),
        "task_unclaimed": _("คืนงานให้กลุ่ม"),
        "task_completed": _("ดำเนินการเสร็จ"),
        "task_reassigned": _("มอบหมายงานใหม่"),
        "comment_added": _("แสดงความคิดเห็น"),
        "attachment_added": _("แนบไฟล์"),
        "attachment_read": _("เปิดไฟล์แนบ"),
        "personal_data_read": _("เปิดดูข้อมูลส่วนบุคคล"),
        "letter_issued": _("ออกหนังสือ"),
        "timer_fired": _("ครบกำหนดเวลา"),
        "escalated": _("แจ้งเตือนผู้บังคับบัญชา"),
        "instance_completed": _("เรื่องเสร็จสิ้น"),
    }


def _acting_roles(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return sorted(str(v) for v in value)


def history_rows(history: list[Mapping[str, Any]],
                 schemas: list[Mapping[str, Any] | None] = ()) -> list[dict[str, Any]]:
    """The history for people: actions in words, and what each completed step recorded
    (each follow-up round keeps its own date and note here)."""
    labels = _action_labels()
    rows = []
    for event in history:
        detail = event.get("detail") or {}
        rows.append({
            "values": [(label, text) for label, text, labelled
                       in data_rows(event.get("values"), list(schemas)) if labelled],
            "at": event.get("at"),
            "who": event.get("actor_display") or event.get("actor") or "",
            "username": event.get("actor") or "",
            "action": labels.get(event.get("action", ""), event.get("action", "")),
            "task": detail.get("task") if isinstance(detail, Mapping) else None,
            "to": detail.get("to") if isinstance(detail, Mapping) else None,
            "acting_for": _acting_roles(event.get("acting_for")),
        })
    return rows


def _labels_and_choices(
    schemas: list[Mapping[str, Any] | None],
) -> tuple[dict[str, str], dict[str, dict[str, str]], set[str]]:
    labels: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    dates: set[str] = set()
    for schema in schemas:
        for name, prop in ((schema or {}).get("properties") or {}).items():
            if not isinstance(prop, Mapping):
                continue
            labels.setdefault(name, str(prop.get("title") or name))
            if prop.get("format") == "date":
                dates.add(name)
            options = choice_options(prop)
            if options:
                choices.setdefault(name, options)
    return labels, choices, dates


def data_rows(
    data: Mapping[str, Any] | None, schemas: list[Mapping[str, Any] | None]
) -> list[tuple[str, str, bool]]:
    """The case's data as (label, text, labelled) for people; dates in the Buddhist Era,
    booleans and choices in words. Fields no known form names come last, unlabelled."""
    labels, choices, dates = _labels_and_choices(schemas)
    rows = []
    for name, value in (data or {}).items():
        if value in (None, "") or isinstance(value, dict | list):
            continue
        if isinstance(value, bool):
            text = _("ใช่") if value else _("ไม่ใช่")
        elif name in dates or (isinstance(value, str) and ISO_DAY.fullmatch(value)):
            text = show_date(value)  # Buddhist Era, like every date people see
        else:
            text = choices.get(name, {}).get(str(value), str(value))
        rows.append((labels.get(name, name), text, name in labels))
    return sorted(rows, key=lambda row: not row[2])


def _case_parts(
    instance_id: int, forms: tuple = (), *, include_personal: bool = False
) -> dict[str, Any]:
    """History, comments, attachments and data of a case, or empty parts if hidden.

    Personal data is read (and the read audited) only for the page that shows it.
    """
    me = actor()
    try:
        case = instances.get_instance(rt(), me, instance_id, include_personal=include_personal)
    except NotFound:
        return {"case": None, "history": [], "comments": [], "attachments": [], "data": [],
                "letters_pending": []}
    return {
        "case": case,
        "history": history_rows(case.get("history") or [],
                                [*(case.get("forms") or []), *forms]),
        "comments": comments.list_comments(rt(), me, instance_id),
        "attachments": attachments.list_attachments(rt(), me, instance_id),
        "letters_pending": letters.pending_letters(rt(), me, instance_id),
        "data": data_rows(case.get("data"), [*(case.get("forms") or []), *forms]),
    }


def _upload_limits() -> dict[str, Any]:
    return {
        "max_mb": attachments.MAX_BYTES // (1024 * 1024),
        "accept": ",".join(sorted(attachments.ALLOWED_TYPES)),
    }


# ---- the task page ---------------------------------------------------------------------

def _task_page(
    task_id: str,
    *,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    message: str = "",
    status: int = 200,
    comment_text: str = "",
    comment_error: str = "",
    upload_error: str = "",
) -> tuple[str, int]:
    me = actor()
    task = tasks.get_task(rt(), me, task_id)
    form = task.get("form")
    prefill = task.get("prefill") or {}
    fields = fields_for(form, prefill if values is None else values, errors)
    other_errors = form_errors_elsewhere(form, errors or {})
    assignees = []
    if task.get("can_reassign") and task.get("state") == TaskStatus.OPEN:
        assignees = tasks.eligible_assignees(rt(), me, task_id)
    parts = _case_parts(task["instance_id"], (form,))
    return render_template(
        "task.html",
        task=task, fields=fields, other_errors=other_errors, message=message,
        assignees=assignees, comment_text=comment_text, comment_error=comment_error,
        upload_error=upload_error, limits=_upload_limits(),
        is_mine=task.get("assignee") == me.username,
        return_to=url_for("cases.task_page", task_id=task_id), **parts,
    ), status


@bp.get("/tasks/<task_id>")
@login_required
def task_page(task_id: str) -> tuple[str, int]:
    return _task_page(task_id)


def _back_to_task(task_id: str) -> Response:
    return redirect(url_for("cases.task_page", task_id=task_id))


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str) -> Response:
    try:
        tasks.claim_task(rt(), actor(), task_id)
    except Conflict as error:
        flash(localize(error.message), "error")
    else:
        flash(_("รับงานแล้ว งานนี้อยู่ใน “งานของฉัน”"), "success")
    return _back_to_task(task_id)


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str) -> Response:
    try:
        tasks.unclaim_task(rt(), actor(), task_id)
    except Conflict as error:
        flash(localize(error.message), "error")
    else:
        flash(_("คืนงานให้กลุ่มแล้ว"), "success")
    return _back_to_task(task_id)


@bp.post("/tasks/<task_id>/complete")
@login_required
def complete(task_id: str) -> Response | tuple[str, int]:
    me = actor()
    task = tasks.get_task(rt(), me, task_id)
    data, typed, conversion_errors = parse_form(task.get("form"), request.form)
    if conversion_errors:
        return _task_page(task_id, values=typed, errors=conversion_errors, status=400,
                          message=_("ข้อมูลในแบบฟอร์มไม่ถูกต้อง กรุณาแก้ไขช่องที่ระบุ"))
    try:
        done = tasks.complete_task(rt(), me, task_id, data)
    except InvalidData as error:
        fields = localize_fields(error.fields)
        return _task_page(task_id, values=typed, errors=fields, status=400,
                          message=localize(error.message))
    except (Conflict, ProcessError) as error:
        return _task_page(task_id, values=typed, status=error.status,
                          message=localize(error.message))
    flash(_("บันทึก “%(task)s” เรียบร้อยแล้ว", task=done.get("name") or task.get("name")),
          "success")
    for following in done.get("next_tasks") or []:
        if following.get("role") in me.roles and following.get("assignee") in (None, me.username):
            return redirect(url_for("cases.task_page", task_id=following["id"]))
    return redirect(url_for("cases.case_page", instance_id=task["instance_id"]))


@bp.post("/tasks/<task_id>/reassign")
@login_required
def reassign(task_id: str) -> Response | tuple[str, int]:
    username = (request.form.get("username") or "").strip()
    if not username:
        return _task_page(task_id, status=400, message=_("กรุณาเลือกผู้รับงาน"))
    try:
        tasks.reassign_task(rt(), actor(), task_id, username)
    except (InvalidData, Conflict) as error:
        return _task_page(task_id, status=error.status, message=localize(error.message))
    flash(_("มอบหมายงานให้ %(user)s แล้ว", user=username), "success")
    return _back_to_task(task_id)


# ---- the case page, comments and attachments -------------------------------------------

def _case_page(instance_id: int, *, status: int = 200, comment_text: str = "",
               comment_error: str = "", upload_error: str = "") -> tuple[str, int]:
    parts = _case_parts(instance_id, include_personal=True)
    if parts["case"] is None:
        raise NotFound(f"ไม่พบเรื่องเลขที่ {instance_id} / case {instance_id} not found")
    case = parts["case"]
    personal = case.get("personal_data")
    personal_rows = data_rows(personal, case.get("forms") or []) if personal else []
    publication = (publications.publication_of_case(rt(), actor(), instance_id)
                   if case.get("process_key") == "publishing" else None)
    return render_template(
        "case.html", personal_rows=personal_rows, comment_text=comment_text,
        publication=publication,
        comment_error=comment_error, upload_error=upload_error, limits=_upload_limits(),
        return_to=url_for("cases.case_page", instance_id=instance_id), **parts,
    ), status


@bp.get("/cases/<int:instance_id>")
@login_required
def case_page(instance_id: int) -> tuple[str, int]:
    return _case_page(instance_id)


@bp.get("/cases/<int:instance_id>/diagram.svg")
@login_required
def case_diagram(instance_id: int) -> Response:
    """The case's diagram with its steps marked completed, active or overdue."""
    svg = instances.case_diagram(rt(), actor(), instance_id)
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


def _task_of_return(instance_id: int) -> str | None:
    """The task page a comment or upload form came from, if it was one."""
    task_id = (request.form.get("task_id") or "").strip()
    return task_id or None


@bp.post("/cases/<int:instance_id>/comments")
@login_required
def add_comment(instance_id: int) -> Response | tuple[str, int]:
    text = (request.form.get("text") or "").replace("\r\n", "\n").strip()
    task_id = _task_of_return(instance_id)
    error = ""
    if not text:
        error = _("กรุณาพิมพ์ความคิดเห็นก่อนส่ง")
    elif len(text) > MAX_COMMENT:
        error = _("ความคิดเห็นยาวเกิน %(n)d ตัวอักษร", n=MAX_COMMENT)
    else:
        try:
            comments.add_comment(rt(), actor(), instance_id, text)
        except InvalidData as failure:
            error = localize(failure.fields.get("text") or failure.message)
    if error:
        if task_id:
            return _task_page(task_id, status=400, comment_text=text, comment_error=error)
        return _case_page(instance_id, status=400, comment_text=text, comment_error=error)
    flash(_("บันทึกความคิดเห็นแล้ว"), "success")
    target = url_for("cases.task_page", task_id=task_id) if task_id else None
    return redirect(safe_next(target, url_for("cases.case_page", instance_id=instance_id))
                    + "#comments")


@bp.post("/cases/<int:instance_id>/attachments")
@login_required
def upload_attachment(instance_id: int) -> Response | tuple[str, int]:
    task_id = _task_of_return(instance_id)
    upload = request.files.get("file")
    error = ""
    if upload is None or not upload.filename:
        error = _("กรุณาเลือกไฟล์ที่จะแนบ")
    else:
        content = upload.read(attachments.MAX_BYTES + 1)
        if len(content) > attachments.MAX_BYTES:
            error = _("ไฟล์ใหญ่เกิน %(mb)d MB", mb=attachments.MAX_BYTES // (1024 * 1024))
        else:
            try:
                attachments.add_attachment(rt(), actor(), instance_id, upload.filename,
                                           upload.mimetype or "", content)
            except InvalidData as failure:
                error = localize(failure.message)
                if failure.fields:
                    error = "; ".join(localize(v) for v in failure.fields.values())
        if error:
            # Named, as on the pages that take several files: which file was refused.
            error = f"“{attachments.clean_filename(upload.filename)}”: {error}"
    if error:
        if task_id:
            return _task_page(task_id, status=400, upload_error=error)
        return _case_page(instance_id, status=400, upload_error=error)
    flash(_("แนบไฟล์ “%(name)s” แล้ว", name=upload.filename), "success")
    target = url_for("cases.task_page", task_id=task_id) if task_id else None
    return redirect(safe_next(target, url_for("cases.case_page", instance_id=instance_id))
                    + "#attachments")


@bp.get("/attachments/<attachment_id>")
@login_required
def download_attachment(attachment_id: str) -> Response:
    if not (attachment_id.isascii() and attachment_id.isdigit()) or int(attachment_id) > MAX_DB_INT:
        abort(404)
    meta, content = attachments.read_attachment(rt(), actor(), int(attachment_id))
    response = send_file(
        BytesIO(content),
        mimetype=meta.get("content_type") or "application/octet-stream",
        as_attachment=True,
        download_name=meta.get("filename") or f"attachment-{attachment_id}",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ---- starting a case -------------------------------------------------------------------

def _startable(process_key: str) -> dict[str, Any]:
    for process in processes.list_processes(rt()):
        if process["key"] == process_key and process.get("start_form"):
            if process.get("start_role") not in actor().roles:
                raise Forbidden(
                    "ท่านไม่มีสิทธิ์เริ่มเรื่องนี้ / you may not start this kind of case"
                )
            return process
    raise NotFound(f"ไม่พบกระบวนงาน '{process_key}' / no process '{process_key}'")


def _start_defaults(process_key: str) -> dict[str, Any]:
    """Helpful first values; the person can change them."""
    me = actor()
    today_iso = datetime.now(BANGKOK).date().isoformat()
    if process_key == "publishing":
        return {"unit": getattr(me, "unit_name", "") or "", "request_date": today_iso}
    return {}


def _start_page(process: Mapping[str, Any], *, values: Mapping[str, Any] | None = None,
                errors: Mapping[str, str] | None = None, message: str = "",
                status: int = 200, files_dropped: int = 0) -> tuple[str, int]:
    form = process.get("start_form")
    errors = dict(errors or {})
    files_error = errors.pop(instances.START_FILES_FIELD, None)
    fields = fields_for(form, _start_defaults(process["key"]) if values is None else values,
                        errors)
    return render_template(
        "start.html", process=process, form=form, fields=fields, message=message,
        other_errors=form_errors_elsewhere(form, errors), files_error=files_error,
        files_dropped=files_dropped, files_field=instances.START_FILES_FIELD,
        limits={"count": instances.MAX_START_FILES,
                "max_mb": attachments.MAX_BYTES // (1024 * 1024),
                "accept": ",".join(sorted(attachments.ALLOWED_TYPES))},
    ), status


@bp.route("/start/<process_key>", methods=["GET", "POST"])
@login_required
def start(process_key: str) -> Response | tuple[str, int]:
    process = _startable(process_key)
    if request.method == "GET":
        return _start_page(process)
    data, typed, conversion_errors = parse_form(process.get("start_form"), request.form)
    files = chosen_files(instances.START_FILES_FIELD)
    if conversion_errors:
        return _start_page(process, values=typed, errors=conversion_errors, status=400,
                           files_dropped=len(files),
                           message=_("ข้อมูลในแบบฟอร์มไม่ถูกต้อง กรุณาแก้ไขช่องที่ระบุ"))
    try:
        case = instances.start_instance(rt(), actor(), process_key, data, files)
    except InvalidData as error:
        fields = localize_fields(error.fields)
        return _start_page(process, values=typed, errors=fields, status=400,
                           files_dropped=len(files), message=localize(error.message))
    except (Conflict, ProcessError) as error:
        return _start_page(process, values=typed, status=error.status,
                           files_dropped=len(files), message=localize(error.message))
    flash(_("เริ่มเรื่อง “%(title)s” แล้ว (เลขที่ %(id)s)", title=case.get("title") or "",
            id=case["id"]), "success")
    return redirect(url_for("cases.case_page", instance_id=case["id"]))
