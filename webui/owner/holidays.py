"""The working-day calendar page for administrators: days off by fiscal year, and changes.

Adding or removing a day off recomputes every pending deadline (the engine does that,
in the same transaction); the page says how many moved.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from engine.core import clock
from engine.core.errors import Conflict, InvalidData
from engine.services.admin import holidays
from engine.thai.dates import fiscal_year_be, format_thai_date
from engine.thai.workdays import BANGKOK
from webui.forms_render import typed_date
from webui.i18n import current_language
from webui.web import actor, admin_required, failure, form_values, rt, show_date

bp = Blueprint("holidays", __name__, url_prefix="/admin/holidays")

EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Fiscal years (BE) the page accepts; the select offers a few around the current one.
YEAR_RANGE = (2500, 2700)
ACTIONS = ("add", "remove")


def full_date(value: str | date) -> str:
    """'วันพฤหัสบดีที่ 10 ธันวาคม พ.ศ. 2569' or 'Thursday 10 Dec 2569 BE'."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    if current_language() == "en":
        return f"{EN_WEEKDAYS[day.weekday()]} {show_date(day)}"
    return format_thai_date(day, "full")


def _source_labels() -> dict[str, str]:
    return {
        "package": _("วันหยุดราชการตามปฏิทิน"),
        "added": _("เพิ่มโดยผู้ดูแลระบบ"),
        "removed": _("ถอนออกโดยผู้ดูแลระบบ: เป็นวันทำการ"),
    }


def current_fiscal_year() -> int:
    # The engine's clock, so the page agrees with the deadlines it computes.
    return fiscal_year_be(clock.now().astimezone(BANGKOK).date())


def _year_arg() -> tuple[int, str]:
    this_year = current_fiscal_year()
    raw = (request.args.get("year") or "").strip()
    if not raw:
        return this_year, ""
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        return this_year, _("ปีงบประมาณไม่ถูกต้อง ใช้ปี พ.ศ. เช่น %(year)d", year=this_year)
    return year, ""


def _calendar_page(year: int, *, status: int = 200, year_error: str = "",
                   values: Mapping[str, Any] | None = None,
                   errors: Mapping[str, str] | None = None,
                   message: str = "") -> tuple[str, int]:
    start, end = holidays.fiscal_year_range(year)
    this_year = current_fiscal_year()
    years = sorted({*range(this_year - 2, this_year + 3), year})
    return render_template(
        "admin/holidays.html", year=year, years=years, this_year=this_year,
        start=start, end=end, days=holidays.list_holidays(rt(), start, end),
        source_labels=_source_labels(), full_date=full_date, year_error=year_error,
        values=values or {}, errors=errors or {}, message=message,
    ), status


@bp.get("")
@admin_required
def calendar() -> tuple[str, int]:
    year, year_error = _year_arg()
    return _calendar_page(year, year_error=year_error, status=400 if year_error else 200)


def _change(kind: str) -> Response | tuple[str, int]:
    names = [f"{kind}_{name}" for name in ("day", "reason", "reference")]
    values = form_values(*names)
    day_field, reason_field, reference_field = names
    try:
        year = int(request.form.get("year") or current_fiscal_year())
    except ValueError:
        year = current_fiscal_year()
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        year = current_fiscal_year()
    errors: dict[str, str] = {}
    day = None
    if not values[day_field]:
        errors[day_field] = _("กรุณากรอกวันที่")
    else:
        day, problem = typed_date(values[day_field])
        if problem:
            errors[day_field] = problem
    if not values[reason_field]:
        errors[reason_field] = _("กรุณาระบุเหตุผล")
    if errors or day is None:
        return _calendar_page(year, status=400, values=values, errors=errors,
                              message=_("ข้อมูลวันหยุดไม่ครบ กรุณาแก้ไขช่องที่ระบุ"))
    change = holidays.add_holiday if kind == "add" else holidays.remove_holiday
    try:
        result = change(rt(), actor(), day, values[reason_field], values[reference_field])
    except (InvalidData, Conflict) as error:
        message, fields = failure(error)
        fields = {f"{kind}_{name}": text for name, text in fields.items()}
        if isinstance(error, Conflict):
            fields.setdefault(day_field, message)
        return _calendar_page(year, status=error.status,
                              values=values, errors=fields, message=message)
    shown = full_date(day)
    if result["action"] == "holiday_added":
        flash(_("กำหนดให้%(day)s เป็นวันหยุดแล้ว", day=shown), "success")
    elif result["action"] == "holiday_removed":
        flash(_("กำหนดให้%(day)s เป็นวันทำการแล้ว", day=shown), "success")
    else:
        flash(_("ยกเลิกการเปลี่ยนแปลงเดิมของ%(day)s แล้ว", day=shown), "success")
    flash(ngettext("คำนวณกำหนดเวลาใหม่ %(num)d รายการ", "คำนวณกำหนดเวลาใหม่ %(num)d รายการ",
                   result["recomputed"]), "info")
    return redirect(url_for("holidays.calendar", year=fiscal_year_be(day)))


@bp.post("/add")
@admin_required
def add() -> Response | tuple[str, int]:
    return _change("add")


@bp.post("/remove")
@admin_required
def remove() -> Response | tuple[str, int]:
    return _change("remove")
