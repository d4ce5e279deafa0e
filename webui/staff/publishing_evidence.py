"""The publishing evidence (who asked, approved, checked, decided and published each
request): the publication log page with its CSV, and the request form as a PDF
(engine/services/publishing/register.py, engine/documents/request_form.py)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from engine.core.actors import today_in_bangkok
from engine.core.errors import InvalidData
from engine.services.publishing.register import (
    KINDS,
    LOG_ROLES,
    OUTCOMES,
    log_csv_bytes,
    log_filename,
    period_from,
    publication_log,
)
from engine.services.publishing.request_form import request_form_pdf
from engine.thai.dates import fiscal_year_be, fiscal_year_bounds, format_date_entry
from webui.i18n import localize, localize_fields
from webui.web import actor, roles_required, rt

bp = Blueprint("publishing_docs", __name__)

#: The query parameters the log page keeps from one request to the next.
FILTERS = ("date_from", "date_to")
FORMATS = ("", "html", "csv")


def _headings() -> dict[str, str]:
    return {
        "approve": _("ผู้อนุมัติ (ผู้อำนวยการ สพป.)"),
        "check": _("ผู้ตรวจสอบ (เจ้าหน้าที่ดูแลเว็บไซต์)"),
        "decide": _("ผู้พิจารณา (ผู้อำนวยการกลุ่ม ICT)"),
        "publish": _("ผู้นำข้อมูลขึ้นเผยแพร่"),
    }


def _outcomes() -> dict[str, str]:
    return {
        "published": _("เผยแพร่แล้ว"),
        "superseded": _("เผยแพร่แล้ว (มีฉบับปรับปรุงแทน)"),
        "taken_down": _("เผยแพร่แล้ว และถอนออกจากเว็บไซต์ภายหลัง"),
        "returned": _("ส่งคืนแก้ไข"),
        "rejected": _("ไม่อนุญาต"),
        "withdrawn": _("ถอนเรื่อง"),
        "in_progress": _("อยู่ระหว่างดำเนินการ"),
    }


def _this_fiscal_year(typed: dict[str, str]) -> tuple[dict[str, str], str]:
    """With neither date typed, the fields filled with this Thai fiscal year (1 October to
    30 September) as the clerk would type them, and the line that says so; otherwise the
    typed dates unchanged. An empty form used to list every request ever made: at ten
    years of cases that is tens of thousands of rows and a page that takes minutes. A wider
    range stays one typed date away."""
    if any(value.strip() for value in typed.values()):
        return typed, ""
    year = fiscal_year_be(today_in_bangkok())
    start, end = fiscal_year_bounds(year)
    filled = {"date_from": format_date_entry(start), "date_to": format_date_entry(end)}
    note = _("ไม่ได้ระบุวันที่ จึงแสดงปีงบประมาณ พ.ศ. %(year)d (%(start)s ถึง %(end)s) "
             "แก้ไขวันที่เพื่อดูช่วงอื่น", year=year, start=filled["date_from"],
             end=filled["date_to"])
    return filled, note


def _page(typed: dict[str, str], *, log=None, message: str = "", note: str = "",
          errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    counts = {o: sum(1 for r in log.records if r.outcome == o) for o in OUTCOMES} if log else {}
    return render_template(
        "publishing_docs/log.html", typed=typed, log=log, message=message, note=note,
        errors=errors or {}, kinds=KINDS, headings=_headings(), outcomes=_outcomes(),
        counts=counts, kept={k: v for k, v in typed.items() if v},
    ), status


@bp.get("/reports/publications")
@roles_required(LOG_ROLES)
def publication_log_page() -> Response | tuple[str, int]:
    me = actor()
    typed, note = _this_fiscal_year(
        {name: request.args.get(name, "")[:20] for name in FILTERS})
    fmt = request.args.get("format", "")
    if fmt not in FORMATS:
        return _page(typed, message=_("ไม่รู้จักรูปแบบไฟล์ที่ขอ ใช้ได้เฉพาะ CSV"), status=400)
    try:
        period = period_from(typed["date_from"], typed["date_to"])
    except InvalidData as error:
        # Nothing is listed (or recorded as listed) for a range that cannot be understood.
        return _page(typed, message=localize(error.message),
                     errors=localize_fields(error.fields), status=400)
    log = publication_log(rt(), me, period)
    if fmt == "csv":
        return Response(log_csv_bytes(log), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{log_filename(period)}"'})
    return _page(typed, log=log, note=note)


@bp.get("/cases/<int:instance_id>/request-form.pdf")
@login_required
def request_form(instance_id: int) -> Response:
    # The engine checks who may see the case; a hidden or non-publishing case is a 404.
    pdf = request_form_pdf(rt(), actor(), instance_id)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="request-form-{instance_id}.pdf"'})
