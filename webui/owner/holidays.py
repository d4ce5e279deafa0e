"""The working-day calendar page for administrators: days off by fiscal year, and changes.

Adding or removing a day off recomputes every pending deadline (the engine does that,
in the same transaction); the page says how many moved. The page names the usual holidays
the calendar cannot date that year (Royal Ploughing Day after 2026) until an administrator
adds the day or dismisses the reminder, and at the start of each fiscal year a banner on
administrators' pages points here while such a day is open.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from engine.core import clock
from engine.core.errors import Conflict, InvalidData
from engine.services.admin import calendar_gaps, holidays
from engine.thai.dates import fiscal_year_be, format_thai_date
from engine.thai.usual_holidays import SPECIAL_DAYS_NOTE
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


def today() -> date:
    # The engine's clock, so the page agrees with the deadlines it computes.
    return clock.now().astimezone(BANGKOK).date()


def current_fiscal_year() -> int:
    return fiscal_year_be(today())


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
    gaps = calendar_gaps.calendar_gaps(rt(), year)
    english = current_language() == "en"
    return render_template(
        "admin/holidays.html", year=year, years=years, this_year=this_year,
        start=start, end=end, days=holidays.list_holidays(rt(), start, end),
        source_labels=_source_labels(), full_date=full_date, year_error=year_error,
        values=values or {}, errors=errors or {}, message=message,
        gaps=gaps, open_gaps=[gap for gap in gaps if gap["answer"] is None],
        special_note=SPECIAL_DAYS_NOTE[1 if english else 0],
    ), status


@bp.get("")
@admin_required
def calendar() -> tuple[str, int]:
    year, year_error = _year_arg()
    # A gap's "add this day" link fills in the add form's name and which usual day it is.
    prefill = {name: (request.args.get(name) or "").strip()[:300]
               for name in ("add_reason", "add_usual_day")}
    return _calendar_page(year, year_error=year_error, status=400 if year_error else 200,
                          values=prefill)


def _posted_year() -> int:
    try:
        year = int(request.form.get("year") or current_fiscal_year())
    except ValueError:
        year = current_fiscal_year()
    return year if YEAR_RANGE[0] <= year <= YEAR_RANGE[1] else current_fiscal_year()


def _change(kind: str) -> Response | tuple[str, int]:
    names = [f"{kind}_{name}" for name in ("day", "reason", "reference")]
    values = form_values(*names, "add_usual_day")
    day_field, reason_field, reference_field = names
    year = _posted_year()
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
    try:
        if kind == "add":
            result = holidays.add_holiday(rt(), actor(), day, values[reason_field],
                                          values[reference_field], values["add_usual_day"])
        else:
            result = holidays.remove_holiday(rt(), actor(), day, values[reason_field],
                                             values[reference_field])
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
    if result["usual_day"]:
        flash(_("นับเป็นวันหยุดที่ปฏิทินยังไม่ทราบวันที่ของปีงบประมาณนี้แล้ว: "
                "ไม่ต้องเตือนอีก"), "info")
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


@bp.post("/dismiss")
@admin_required
def dismiss() -> Response | tuple[str, int]:
    """Stop naming a usual holiday as not dated for a fiscal year, with the reason."""
    values = form_values("usual_day", "dismiss_reason", "dismiss_reference")
    year = _posted_year()
    if not values["dismiss_reason"]:
        return _calendar_page(year, status=400, values=values,
                              errors={"dismiss_reason": _("กรุณาระบุเหตุผล")},
                              message=_("ระบุเหตุผลที่ไม่ต้องเตือนวันหยุดนี้"))
    try:
        result = calendar_gaps.dismiss_gap(rt(), actor(), year, values["usual_day"],
                                           values["dismiss_reason"], values["dismiss_reference"])
    except (InvalidData, Conflict) as error:
        message, fields = failure(error)
        fields = {("dismiss_" + name if name in ("reason", "reference") else name): text
                  for name, text in fields.items()}
        return _calendar_page(year, status=error.status, values=values, errors=fields,
                              message=message)
    name = result["name_en"] if current_language() == "en" else result["name"]
    flash(_("จะไม่เตือน%(name)sของปีงบประมาณ พ.ศ. %(year)d อีก",
            name=name, year=result["fiscal_year"]), "success")
    return redirect(url_for("holidays.calendar", year=year))


@bp.app_context_processor
def _calendar_reminder() -> dict[str, Any]:
    """The fiscal-year banner, for administrators only (engine/services/admin/calendar_gaps
    keeps it to one query on a small table, and only in the weeks it can show)."""
    if request.blueprint == "api":
        return {}
    try:
        me = current_user.actor if current_user.is_authenticated else None
        if me is None or "admin" not in me.roles:
            return {"calendar_reminder": None}
        return {"calendar_reminder": calendar_gaps.reminder(rt(), today())}
    except Exception:  # noqa: BLE001 - an error page must render even when the database cannot
        return {"calendar_reminder": None}
