"""The case page, its diagram, comments and attachments (on a case or its task page)."""

from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from engine.core.errors import InvalidData, NotFound
from engine.core.models import MAX_DB_INT
from engine.services.inbox import attachments, comments
from engine.services.publishing import requests as publications
from engine.services.search import cases as case_search
from webui import diagrams
from webui.i18n import localize, with_data
from webui.staff.cases.blueprint import bp
from webui.staff.cases.parts import case_parts, data_rows, upload_limits
from webui.staff.cases.tasks import render_task_page
from webui.web import actor, rt, safe_next

#: The longest comment, in characters.
MAX_COMMENT = 5000


def render_case_page(instance_id: int, *, status: int = 200, comment_text: str = "",
                     comment_error: str = "", upload_error: str = "") -> tuple[str, int]:
    parts = case_parts(instance_id, include_personal=True)
    if parts["case"] is None:
        raise NotFound(f"ไม่พบเรื่องเลขที่ {instance_id} / case {instance_id} not found")
    case = parts["case"]
    personal = case.get("personal_data")
    personal_rows = data_rows(personal, case.get("forms") or []) if personal else []
    publication = (publications.publication_of_case(rt(), actor(), instance_id)
                   if case.get("process_key") == "publishing" else None)
    tracking_code = (case_search.tracking_code_of(rt(), actor(), instance_id)
                     if case.get("process_key") == "complaint" else None)
    return render_template(
        "case.html", personal_rows=personal_rows, comment_text=comment_text,
        publication=publication, tracking_code=tracking_code,
        diagram=diagrams.case_view(actor(), instance_id),
        comment_error=comment_error, upload_error=upload_error, limits=upload_limits(),
        return_to=url_for("cases.case_page", instance_id=instance_id), **parts,
    ), status


@bp.get("/cases/<int:instance_id>")
@login_required
def case_page(instance_id: int) -> tuple[str, int]:
    return render_case_page(instance_id)


@bp.get("/cases/<int:instance_id>/diagram.svg")
@login_required
def case_diagram(instance_id: int) -> Response:
    """The case's diagram with its steps marked completed, active or overdue."""
    return diagrams.case_diagram(actor(), instance_id)


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
            return render_task_page(task_id, status=400, comment_text=text, comment_error=error)
        return render_case_page(instance_id, status=400, comment_text=text, comment_error=error)
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
                attachments.add_attachment(
                    rt(), actor(), instance_id, upload.filename, upload.mimetype or "", content,
                    from_complainant=request.form.get("from_complainant") == "1")
            except InvalidData as failure:
                error = localize(failure.message)
                if failure.fields:
                    error = "; ".join(localize(v) for v in failure.fields.values())
        if error:
            # Named, as on the pages that take several files: which file was refused.
            error = f"“{attachments.clean_filename(upload.filename)}”: {error}"
    if error or upload is None:  # no file is always an error; the check says so to mypy
        if task_id:
            return render_task_page(task_id, status=400, upload_error=error)
        return render_case_page(instance_id, status=400, upload_error=error)
    flash(with_data(_("แนบไฟล์ “%(name)s” แล้ว"), {"name": upload.filename}), "success")
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
