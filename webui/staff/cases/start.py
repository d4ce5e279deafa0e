"""The pages that start a case, with its files (the scans)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from engine.core import clock
from engine.core.errors import Conflict, Forbidden, InvalidData, NotFound, ProcessError
from engine.services.admin import processes
from engine.services.inbox import attachments, instances
from engine.thai.workdays import BANGKOK
from webui.forms_render import fields_for, form_errors_elsewhere, parse_form
from webui.i18n import localize, localize_fields, with_data
from webui.staff.cases.blueprint import bp
from webui.web import actor, chosen_files, rt


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
    # The engine's clock: the day it will check a received date against.
    today_iso = clock.now().astimezone(BANGKOK).date().isoformat()
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
    flash(with_data(_("เริ่มเรื่อง “%(title)s” แล้ว (เลขที่ %(id)s)"),
                    {"title": case.get("title") or ""}, id=case["id"]), "success")
    return redirect(url_for("cases.case_page", instance_id=case["id"]))
