"""``govflow holidays``: the working-day calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from webui.cli.common import load_runtime


@click.group(help="The working-day calendar: Thai public and government holidays, plus days "
            "administrators add or remove.")
def holidays() -> None:
    pass


@holidays.command("list", help="List days off in a Buddhist-Era FISCAL year (1 Oct – 30 Sep; "
                  "e.g. --year 2570 is 1 Oct 2569 to 30 Sep 2570), with Thai names, then the "
                  "usual holidays the calendar cannot date that year (e.g. วันพืชมงคล) until "
                  "an administrator adds or dismisses them.")
@click.option("--year", type=int, default=None,
              help="Buddhist-Era fiscal year; default: the current one")
def holidays_list(year: int | None) -> None:
    from engine.core.actors import today_in_bangkok
    from engine.services.admin.calendar_gaps import calendar_gaps
    from engine.services.admin.holidays import fiscal_year_range, list_holidays
    from engine.thai.dates import fiscal_year_be, format_thai_date

    year = year or fiscal_year_be(today_in_bangkok())
    _check_year(year)
    start, end = fiscal_year_range(year)
    rt = load_runtime()
    click.echo(f"ปีงบประมาณ พ.ศ. {year} ({format_thai_date(start)} – {format_thai_date(end)})")
    labels = {"package": "", "added": " [เพิ่มโดยผู้ดูแล]", "removed": " [ถอนออก: เป็นวันทำการ]"}
    for day in list_holidays(rt, start, end):
        when = format_thai_date(date.fromisoformat(day["day"]), "full")
        ref = f" ({day['reference']})" if day["reference"] else ""
        click.echo(f"  {when}  {day['name']}{labels[day['source']]}{ref}")
    _echo_gaps(calendar_gaps(rt, year), year)


def _echo_gaps(gaps: list[dict[str, Any]], year: int) -> None:
    from engine.thai.dates import format_thai_datetime
    from engine.thai.usual_holidays import SPECIAL_DAYS_NOTE

    waiting = [gap for gap in gaps if gap["answer"] is None]
    if waiting:
        click.echo("ยังไม่ทราบวันที่ (วันหยุดราชการทุกปี แต่ปฏิทินยังไม่มีวันที่ของปีนี้) / "
                   "usual holidays not dated yet this year:")
    for gap in waiting:
        click.echo(f"  ! {gap['name']} ({gap['name_en']}): เพิ่มด้วย / add with "
                   f"`govflow holidays add YYYY-MM-DD \"{gap['name']}\" --ref …`, "
                   f"หรือ / or `govflow holidays dismiss --year {year} --day {gap['key']} "
                   "--reason …`")
    for gap in gaps:
        answer = gap["answer"]
        if answer is not None and answer["kind"] == "dismissed":
            click.echo(f"  {gap['name']}: ปิดการเตือนแล้ว / dismissed by {answer['by']} "
                       f"{format_thai_datetime(answer['at'])}: {answer['reason']}")
    click.echo(f"หมายเหตุ / note: {SPECIAL_DAYS_NOTE[0]} / {SPECIAL_DAYS_NOTE[1]}")


def _check_year(year: int) -> None:
    if not 2400 <= year <= 2700:
        raise click.BadParameter("ใช้ปี พ.ศ. เช่น 2570 / use a Buddhist-Era year such as 2570",
                                 param_hint="--year")


def _holiday_change(kind: str, day: str, reason: str, ref: str, usual_day: str = "") -> None:
    from engine.services.admin import holidays as service

    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter("ใช้วันที่แบบ ค.ศ. YYYY-MM-DD เช่น 2027-05-10 / use a Gregorian "
                                 "ISO date such as 2027-05-10", param_hint="DATE") from None
    rt = load_runtime()
    if kind == "add":
        result = service.add_holiday(rt, None, when, reason, ref, usual_day)
    else:
        result = service.remove_holiday(rt, None, when, reason, ref)
    click.echo(f"{result['action']}: {result['day']}; คำนวณกำหนดเวลาใหม่ / deadlines "
               f"recomputed: {result['recomputed']}")
    if result["usual_day"]:
        from engine.thai.usual_holidays import USUAL_HOLIDAYS

        usual = USUAL_HOLIDAYS[result["usual_day"]]
        click.echo(f"นับเป็น{usual.thai}ของปีงบประมาณนี้ / counted as this fiscal year's "
                   f"{usual.english}")


@holidays.command("add", help="Make DATE (Gregorian YYYY-MM-DD) a day off, with a reason. A "
                  "reason naming Royal Ploughing Day (วันพืชมงคล) in April–June, or "
                  "--usual-day royal_ploughing, also answers that fiscal year's reminder.")
@click.argument("day", metavar="DATE")
@click.argument("reason")
@click.option("--ref", default="", help="reference, e.g. the cabinet resolution or the Royal "
              "Household's announcement")
@click.option("--usual-day", default="", metavar="KEY",
              help="the usual holiday this day is, e.g. royal_ploughing")
def holidays_add(day: str, reason: str, ref: str, usual_day: str) -> None:
    _holiday_change("add", day, reason, ref, usual_day)


@holidays.command("remove", help="Make DATE (Gregorian YYYY-MM-DD) a working day, with a "
                  "reason (or undo an earlier `holidays add`).")
@click.argument("day", metavar="DATE")
@click.argument("reason")
@click.option("--ref", default="", help="reference, e.g. the cabinet resolution")
def holidays_remove(day: str, reason: str, ref: str) -> None:
    _holiday_change("remove", day, reason, ref)




@holidays.command("dismiss", help="Stop naming a usual holiday (e.g. royal_ploughing) as not "
                  "dated yet for a Buddhist-Era fiscal year, with the reason (audited).")
@click.option("--year", type=int, required=True, help="Buddhist-Era fiscal year, e.g. 2570")
@click.option("--day", "usual_day", required=True, metavar="KEY",
              help="the usual holiday, e.g. royal_ploughing")
@click.option("--reason", required=True, help="why, e.g. the office stays open that day")
@click.option("--ref", default="", help="reference, e.g. a letter number")
def holidays_dismiss(year: int, usual_day: str, reason: str, ref: str) -> None:
    from engine.services.admin.calendar_gaps import dismiss_gap

    _check_year(year)
    result = dismiss_gap(load_runtime(), None, year, usual_day, reason, ref)
    click.echo(f"ปิดการเตือนแล้ว / dismissed: {result['name']} ปีงบประมาณ พ.ศ. / fiscal year "
               f"{result['fiscal_year']}")
