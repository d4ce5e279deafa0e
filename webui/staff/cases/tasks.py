"""The task page: claim, give back, complete and reassign a task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from engine.core.errors import Conflict, InvalidData, ProcessError
from engine.core.statuses import TaskStatus
from engine.services.inbox import tasks
from webui.forms_render import fields_for, form_errors_elsewhere, parse_form
from webui.i18n import localize, localize_fields, with_data
from webui.staff.cases.blueprint import bp
from webui.staff.cases.parts import case_parts, upload_limits
from webui.web import actor, rt


def render_task_page(
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
    fields = fields_for(form, prefill if values is None else values, errors,
                        task.get("choices"))
    other_errors = form_errors_elsewhere(form, errors or {})
    assignees = []
    if task.get("can_reassign") and task.get("state") == TaskStatus.OPEN:
        assignees = tasks.eligible_assignees(rt(), me, task_id)
    parts = case_parts(task["instance_id"], (form,))
    return render_template(
        "task.html",
        task=task, fields=fields, other_errors=other_errors, message=message,
        assignees=assignees, comment_text=comment_text, comment_error=comment_error,
        upload_error=upload_error, limits=upload_limits(),
        is_mine=task.get("assignee") == me.username,
        return_to=url_for("cases.task_page", task_id=task_id), **parts,
    ), status


@bp.get("/tasks/<task_id>")
@login_required
def task_page(task_id: str) -> tuple[str, int]:
    return render_task_page(task_id)


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
        return render_task_page(task_id, values=typed, errors=conversion_errors, status=400,
                                message=_("ข้อมูลในแบบฟอร์มไม่ถูกต้อง กรุณาแก้ไขช่องที่ระบุ"))
    try:
        done = tasks.complete_task(rt(), me, task_id, data)
    except InvalidData as error:
        fields = localize_fields(error.fields)
        return render_task_page(task_id, values=typed, errors=fields, status=400,
                                message=localize(error.message))
    except (Conflict, ProcessError) as error:
        return render_task_page(task_id, values=typed, status=error.status,
                                message=localize(error.message))
    flash(with_data(_("บันทึก “%(task)s” เรียบร้อยแล้ว"),
                    {"task": done.get("name") or task.get("name")}), "success")
    for following in done.get("next_tasks") or []:
        if following.get("role") in me.roles and following.get("assignee") in (None, me.username):
            return redirect(url_for("cases.task_page", task_id=following["id"]))
    return redirect(url_for("cases.case_page", instance_id=task["instance_id"]))


@bp.post("/tasks/<task_id>/reassign")
@login_required
def reassign(task_id: str) -> Response | tuple[str, int]:
    username = (request.form.get("username") or "").strip()
    if not username:
        return render_task_page(task_id, status=400, message=_("กรุณาเลือกผู้รับงาน"))
    try:
        tasks.reassign_task(rt(), actor(), task_id, username)
    except (InvalidData, Conflict) as error:
        return render_task_page(task_id, status=error.status, message=localize(error.message))
    flash(_("มอบหมายงานให้ %(user)s แล้ว", user=username), "success")
    return _back_to_task(task_id)
