"""The complaints report page, for Legal Affairs and the Director: each half of the
fiscal year (due every six months) and the cumulative 12-month report; the head of
Legal Affairs writes the period's problems and recommendations here before it is sent."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as Redirect

from engine.core.errors import Forbidden, GovflowError, InvalidData
from engine.documents.complaint_report import (
    BUCKET_TH,
    BUCKETS,
    CHANNEL_TH,
    PERIOD_KEYS,
    ComplaintReport,
    period_key,
)
from engine.documents.report_files import REPORT_FORMATS, report_file
from engine.services.complaints.report_notes import NOTE_CHARS, NOTES_ROLE, save_report_notes
from engine.services.complaints.reports import REPORT_ROLES, complaint_report
from webui.i18n import localize
from webui.owner.holidays import current_fiscal_year
from webui.web import actor, failure, form_values, roles_required, rt

bp = Blueprint("reports", __name__, url_prefix="/reports")
log = logging.getLogger(__name__)
NOTE_FIELDS = ("problems", "recommendations")


def _period(values: dict[str, str] | None = None) -> tuple[int, int]:
    """The fiscal year and period asked for (``half`` 1, 2 or "year")."""
    given = values if values is not None else request.args
    half = PERIOD_KEYS.get(str(given.get("half") or "1"))
    try:
        year = int(given.get("fiscal_year") or current_fiscal_year())
    except ValueError:
        year = 0
    if half is None or not year:
        raise InvalidData("ระบุปีงบประมาณเป็นตัวเลข และรอบ 1, 2 หรือ 12 เดือน / give the "
                          "fiscal year as a number and the half as 1, 2 or year",
                          {"fiscal_year": "2570", "half": "1, 2 or year"})
    return year, half


def _page(report: ComplaintReport | None, year: int, half: int, *, status: int = 200,
          error: str = "", values: dict[str, str] | None = None,
          errors: dict[str, str] | None = None) -> tuple[str, int]:
    if values is None and report is not None and report.notes is not None:
        values = {"problems": report.notes.problems,
                  "recommendations": report.notes.recommendations}
    return render_template(
        "reports/complaints.html", report=report, error=error, years=_years(), year=year,
        half=half, half_key=period_key(half), buckets=BUCKETS, bucket_th=BUCKET_TH,
        channel_th=CHANNEL_TH, may_write_notes=NOTES_ROLE in actor().roles,
        note_chars=NOTE_CHARS, values=values or {}, errors=errors or {}), status


@bp.get("/complaints")
@roles_required(REPORT_ROLES)
def complaints() -> tuple[str, int] | Response:
    try:
        year, half = _period()
        report = complaint_report(rt(), actor(), year, half)
    except InvalidData as exc:
        return _page(None, current_fiscal_year(), 1, status=400, error=localize(exc.message))
    fmt = request.args.get("format")
    if fmt in REPORT_FORMATS:
        return _download(report, fmt, year, half, memo=request.args.get("memo") == "1")
    return _page(report, year, half)


@bp.post("/complaints/notes")
@roles_required({NOTES_ROLE})
def save_notes() -> tuple[str, int] | Redirect:
    values = form_values("fiscal_year", "half", *NOTE_FIELDS)
    try:
        year, half = _period(values)
        save_report_notes(rt(), actor(), year, half, values["problems"],
                          values["recommendations"])
    except (InvalidData, Forbidden) as exc:
        message, fields = (failure(exc) if isinstance(exc, InvalidData)
                           else (localize(exc.message), {}))
        try:
            year, half = _period(values)
            report = complaint_report(rt(), actor(), year, half)
        except InvalidData:
            return _page(None, current_fiscal_year(), 1, status=400, error=message)
        return _page(report, year, half, status=exc.status, error=message, values=values,
                     errors=fields)
    flash(_("บันทึกปัญหา อุปสรรค และข้อเสนอแนะแล้ว รายงาน PDF จะพิมพ์ข้อความนี้และชื่อท่านเป็นผู้เสนอ"),
          "success")
    return redirect(url_for("reports.complaints", fiscal_year=year, half=period_key(half)))


def _download(report: ComplaintReport, fmt: str, year: int, half: int, *,
              memo: bool) -> tuple[str, int] | Response:
    try:
        document = report_file(report, fmt, rt().office if fmt != "csv" else None,
                               memo=memo)
    except GovflowError as exc:
        # A server set-up problem (office.toml, the Thai fonts): say what to fix, on the page.
        log.error("complaints report as %s failed: %s", fmt, exc.code)
        return _page(report, year, half, status=500, error=localize(exc.message))
    return Response(document.content, mimetype=document.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{document.filename}"'})


def _years() -> list[int]:
    this_year = current_fiscal_year()
    return list(range(this_year - 4, this_year + 1))
