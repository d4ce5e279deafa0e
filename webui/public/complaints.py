"""The website channel for citizens: file a complaint and follow it up, without signing in.

The engine does the work (engine/services/complaints/citizen.py); these pages only draw
the complaint start form without the fields the office sets itself, show the privacy
notice before the form, and hand back a printable receipt. The secret is shown once, in
the body of the POST response: never in a URL, a redirect or the session cookie, and the
page is not cached.

Evidence files come with the form (multipart). The engine checks all of them before it
stores anything; a refused form comes back with what was typed, but a browser cannot
refill a file input, so the page says to choose the files again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import segno
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from engine.bpmn.forms import validate_form
from engine.core.errors import InvalidData, NotFound
from engine.services.admin import processes
from engine.services.complaints import citizen as public
from engine.services.inbox import attachments
from engine.thai.workdays import BANGKOK
from webui import MAX_REQUEST_BYTES
from webui.forms_render import fields_for, form_errors_elsewhere, parse_form
from webui.i18n import localize, localize_fields
from webui.web import chosen_files, public_url_for, rt

bp = Blueprint("public_pages", __name__)

#: The acknowledgement of the privacy notice, sent to the engine as a boolean.
ACK = "notice_acknowledged"
#: Fields of the person complaining: all optional, shown in their own group.
COMPLAINANT_PREFIX = "complainant_"
#: The file input; the engine names its errors with the same key.
EVIDENCE = public.EVIDENCE_FIELD
#: Room for five full-size files on top of the app's usual limit for the typed fields.
EVIDENCE_BYTES = public.MAX_EVIDENCE_FILES * attachments.MAX_BYTES


def complaint_body_bytes() -> int:
    """The complaint form's limit: the typed fields and five full-size files."""
    return MAX_REQUEST_BYTES + EVIDENCE_BYTES


def allow_large_upload() -> None:
    """Runs before CSRF parsing: only the complaint form may carry evidence files.

    Anything larger still gets the app's Thai 413 page before the body is parsed.
    """
    if request.endpoint == "public_pages.complaint" and request.method == "POST":
        request.max_content_length = complaint_body_bytes()


def _evidence_limits() -> dict[str, Any]:
    return {
        "count": public.MAX_EVIDENCE_FILES,
        "max_mb": attachments.MAX_BYTES // (1024 * 1024),
        "days": public.EVIDENCE_DAYS,
        # Types and endings both: some systems offer only files whose ending matches.
        "accept": ",".join([*sorted(attachments.ALLOWED_TYPES), ".pdf", ".jpg", ".jpeg",
                            ".png"]),
    }


def _start_form() -> dict[str, Any]:
    for process in processes.list_processes(rt()):
        if process["key"] == public.PROCESS_KEY and process.get("start_form"):
            return process["start_form"]
    raise NotFound("ยังไม่เปิดรับเรื่องร้องเรียนทางเว็บไซต์ / complaints are not open yet")


def _citizen_form() -> dict[str, Any]:
    """The complaint start form less what the channel sets, plus the acknowledgement."""
    form = _start_form()
    properties = {
        ACK: {"type": "boolean", "title": _("ข้าพเจ้าได้อ่านและรับทราบประกาศความเป็นส่วนตัวแล้ว")},
    }
    for name, prop in (form.get("properties") or {}).items():
        if name in public.CHANNEL_FIELDS:
            continue
        if isinstance(prop, Mapping) and ("oneOf" in prop or "enum" in prop):
            # A shared list's description is a note for process owners, not for citizens.
            prop = {k: v for k, v in prop.items() if k != "description"}
        properties[name] = prop
    required = [ACK] + [name for name in form.get("required") or []
                        if name not in public.CHANNEL_FIELDS]
    return {**form, "properties": properties, "required": required}


def _complaint_page(*, values: Mapping[str, Any] | None = None,
                    errors: Mapping[str, str] | None = None, message: str = "",
                    status: int = 200, files_dropped: int = 0) -> tuple[str, int]:
    form = _citizen_form()
    errors = dict(errors or {})
    evidence_error = errors.pop(EVIDENCE, "")
    fields = fields_for(form, values or {}, errors)
    optional = _("ไม่ระบุก็ได้")
    for f in fields:
        if f.name.startswith(COMPLAINANT_PREFIX):
            f.help = f"{optional} — {f.help}" if f.help else optional
    return render_template(
        "public/complaint.html",
        form=form,
        ack=[f for f in fields if f.name == ACK],
        case_fields=[f for f in fields
                     if f.name != ACK and not f.name.startswith(COMPLAINANT_PREFIX)],
        complainant_fields=[f for f in fields if f.name.startswith(COMPLAINANT_PREFIX)],
        message=message,
        other_errors=form_errors_elsewhere(form, errors),
        evidence_error=evidence_error,
        files_dropped=files_dropped,
        limits=_evidence_limits(),
    ), status


def _other_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """The engine stops at a missing acknowledgement; name the other bad fields too."""
    fields = {k: v for k, v in data.items() if k != ACK}
    fields.update(channel="website", received_at=datetime.now(BANGKOK).date().isoformat())
    try:
        validate_form(_start_form(), fields)
    except InvalidData as error:
        return localize_fields(error.fields)
    return {}


def _no_store(body: str, status: int) -> tuple[str, int, dict[str, str]]:
    return body, status, {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _qr(url: str) -> Markup:
    """An inline SVG QR code (no script, no style attribute: the CSP allows neither)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=4, svgclass="qr", lineclass="qr-line", title=_("คิวอาร์โค้ดสำหรับติดตามเรื่อง"))
    return Markup(svg)  # noqa: S704 - segno's own output, from a URL this app built


@bp.route("/complaint", methods=["GET", "POST"])
def complaint() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    if request.method == "GET":
        return _complaint_page()
    form = _citizen_form()
    data, typed, conversion_errors = parse_form(form, request.form)
    files = chosen_files(EVIDENCE)
    if conversion_errors:
        errors = {**conversion_errors,
                  **localize_fields(public.evidence_problems(files))}
        return _complaint_page(values=typed, errors=errors, status=400,
                               files_dropped=len(files),
                               message=_("ข้อมูลในแบบฟอร์มไม่ถูกต้อง กรุณาแก้ไขช่องที่ระบุ"))
    try:
        receipt = public.submit_complaint_with_evidence(rt(), data, files)
    except InvalidData as error:
        errors = localize_fields(error.fields)
        if ACK in errors:
            errors[ACK] = _("กรุณาทำเครื่องหมายเพื่อยืนยันว่าได้อ่านประกาศความเป็นส่วนตัวแล้ว")
            errors = {**_other_errors(data), **errors}
        return _complaint_page(values=typed, errors=errors, status=400,
                               files_dropped=len(files), message=localize(error.message))
    track_url = public_url_for("public_pages.track", code=receipt["tracking_code"])
    body = render_template("public/receipt.html", receipt=receipt, track_url=track_url,
                           qr=_qr(track_url))
    return _no_store(body, 201)


@bp.route("/track", methods=["GET", "POST"])
def track() -> tuple[str, int, dict[str, str]]:
    if request.method == "GET":
        code = request.args.get("code", "")[:40].strip()
        return _no_store(render_template("public/track.html", code=code), 200)
    code = request.form.get("code", "")[:40].strip()
    secret = request.form.get("secret", "")[:100]
    try:
        seen = public.track_complaint(rt(), code, secret)
    except NotFound as error:
        return _no_store(render_template("public/track.html", code=code,
                                         message=localize(error.message)), 404)
    return _no_store(render_template("public/track.html", code=code, seen=seen), 200)
