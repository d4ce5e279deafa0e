"""The six-monthly complaints report page, for Legal Affairs and the Director (due every
six months of the fiscal year)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, render_template, request

from engine.core.errors import GovflowError, InvalidData
from engine.documents.complaint_report import BUCKET_TH, BUCKETS, CHANNEL_TH, ComplaintReport
from engine.documents.report_files import REPORT_FORMATS, report_file
from engine.services.complaints.reports import REPORT_ROLES, complaint_report
from webui.i18n import localize
from webui.owner.holidays import current_fiscal_year
from webui.web import actor, roles_required, rt

bp = Blueprint("reports", __name__, url_prefix="/reports")
log = logging.getLogger(__name__)


def _period() -> tuple[int, int]:
    try:
        year = int(request.args.get("fiscal_year") or current_fiscal_year())
        half = int(request.args.get("half") or 1)
    except ValueError:
        raise InvalidData("ระบุปีงบประมาณและรอบเป็นตัวเลข / use numbers",
                          {"fiscal_year": "2570", "half": "1 or 2"}) from None
    return year, half


@bp.get("/complaints")
@roles_required(REPORT_ROLES)
def complaints() -> str | Response | tuple[str, int]:
    try:
        year, half = _period()
        report = complaint_report(rt(), actor(), year, half)
    except InvalidData as exc:
        return render_template("reports/complaints.html", report=None,
                               error=localize(exc.message), years=_years(),
                               year=current_fiscal_year(), half=1), 400
    fmt = request.args.get("format")
    if fmt in REPORT_FORMATS:
        return _download(report, fmt, year, half)
    return render_template("reports/complaints.html", report=report, error="", years=_years(),
                           year=year, half=half, buckets=BUCKETS, bucket_th=BUCKET_TH,
                           channel_th=CHANNEL_TH)


def _download(report: ComplaintReport, fmt: str, year: int,
              half: int) -> Response | tuple[str, int]:
    try:
        document = report_file(report, fmt, rt().office if fmt != "csv" else None)
    except GovflowError as exc:
        # A server set-up problem (office.toml, the Thai fonts): say what to fix, on the page.
        log.error("complaints report as %s failed: %s", fmt, exc.code)
        return render_template("reports/complaints.html", report=report,
                               error=localize(exc.message), years=_years(), year=year,
                               half=half, buckets=BUCKETS, bucket_th=BUCKET_TH,
                               channel_th=CHANNEL_TH), 500
    return Response(document.content, mimetype=document.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{document.filename}"'})


def _years() -> list[int]:
    this_year = current_fiscal_year()
    return list(range(this_year - 4, this_year + 1))
