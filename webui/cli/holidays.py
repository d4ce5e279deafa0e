"""``govflow holidays``: the working-day calendar."""

from __future__ import annotations

from datetime import date

import click

from webui.cli.common import load_runtime


@click.group(help="The working-day calendar: Thai public and government holidays, plus days "
            "administrators add or remove.")
def holidays() -> None:
    pass


@holidays.command("list", help="List days off in a Buddhist-Era FISCAL year (1 Oct – 30 Sep; "
                  "e.g. --year 2570 is 1 Oct 2569 to 30 Sep 2570), with Thai names.")
@click.option("--year", type=int, default=None,
              help="Buddhist-Era fiscal year; default: the current one")
def holidays_list(year: int | None) -> None:
    from engine.core.actors import today_in_bangkok
    from engine.services.admin.holidays import fiscal_year_range, list_holidays
    from engine.thai.dates import fiscal_year_be, format_thai_date

    year = year or fiscal_year_be(today_in_bangkok())
    if not 2400 <= year <= 2700:
        raise click.BadParameter("ใช้ปี พ.ศ. เช่น 2570 / use a Buddhist-Era year such as 2570",
                                 param_hint="--year")
    start, end = fiscal_year_range(year)
    click.echo(f"ปีงบประมาณ พ.ศ. {year} ({format_thai_date(start)} – {format_thai_date(end)})")
    labels = {"package": "", "added": " [เพิ่มโดยผู้ดูแล]", "removed": " [ถอนออก: เป็นวันทำการ]"}
    for day in list_holidays(load_runtime(), start, end):
        when = format_thai_date(date.fromisoformat(day["day"]), "full")
        ref = f" ({day['reference']})" if day["reference"] else ""
        click.echo(f"  {when}  {day['name']}{labels[day['source']]}{ref}")


def _holiday_change(kind: str, day: str, reason: str, ref: str) -> None:
    from engine.services.admin import holidays as service

    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter("ใช้วันที่แบบ ค.ศ. YYYY-MM-DD เช่น 2027-05-10 / use a Gregorian "
                                 "ISO date such as 2027-05-10", param_hint="DATE") from None
    change = service.add_holiday if kind == "add" else service.remove_holiday
    result = change(load_runtime(), None, when, reason, ref)
    click.echo(f"{result['action']}: {result['day']}; คำนวณกำหนดเวลาใหม่ / deadlines "
               f"recomputed: {result['recomputed']}")


@holidays.command("add", help="Make DATE (Gregorian YYYY-MM-DD) a day off, with a reason.")
@click.argument("day", metavar="DATE")
@click.argument("reason")
@click.option("--ref", default="", help="reference, e.g. the cabinet resolution")
def holidays_add(day: str, reason: str, ref: str) -> None:
    _holiday_change("add", day, reason, ref)


@holidays.command("remove", help="Make DATE (Gregorian YYYY-MM-DD) a working day, with a "
                  "reason (or undo an earlier `holidays add`).")
@click.argument("day", metavar="DATE")
@click.argument("reason")
@click.option("--ref", default="", help="reference, e.g. the cabinet resolution")
def holidays_remove(day: str, reason: str, ref: str) -> None:
    _holiday_change("remove", day, reason, ref)


