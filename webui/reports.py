"""The six-monthly complaints report page, for Legal Affairs and the Director (seed 5.4)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import login_required

from engine.errors import InvalidData
from engine.services.reports import (
    BUCKET_TH,
    BUCKETS,
    CHANNEL_TH,
    REPORT_ROLES,
    complaint_report,
    report_csv,
)
from webui.holidays import current_fiscal_year
from webui.i18n import localize
from webui.web import actor, rt

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _period() -> tuple[int, int]:
    try:
        year = int(request.args.get("fiscal_year") or current_fiscal_year())
        half = int(request.args.get("half") or 1)
    except ValueError:
        raise InvalidData("ระบุปีงบประมาณและรอบเป็นตัวเลข / use numbers",
                          {"fiscal_year": "2570", "half": "1 or 2"}) from None
    return year, half


@bp.get("/complaints")
@login_required
def complaints() -> str | Response | tuple[str, int]:
    if actor().roles.isdisjoint(REPORT_ROLES):
        abort(403)
    try:
        year, half = _period()
        report = complaint_report(rt(), actor(), year, half)
    except InvalidData as exc:
        return render_template("reports/complaints.html", report=None,
                               error=localize(exc.message), years=_years(),
                               year=current_fiscal_year(), half=1), 400
    if request.args.get("format") == "csv":
        body = "\ufeff" + report_csv(report)  # a BOM so spreadsheet programs read Thai
        return Response(body, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="complaints-{year}-{half}.csv"'})
    return render_template("reports/complaints.html", report=report, error="", years=_years(),
                           year=year, half=half, buckets=BUCKETS, bucket_th=BUCKET_TH,
                           channel_th=CHANNEL_TH)


def _years() -> list[int]:
    this_year = current_fiscal_year()
    return list(range(this_year - 4, this_year + 1))
