"""The task inbox: my tasks, unclaimed tasks of my groups, and (supervisors) all open tasks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.services.admin import processes
from engine.services.inbox import tasks
from engine.thai.workdays import BANGKOK
from webui.forms_render import date_entry_help, shown_date, typed_date
from webui.web import actor, page_arg, rt

bp = Blueprint("inbox", __name__)

PAGE_SIZE = 50
SORTS = ("due", "-due", "received", "-received")


def _tabs() -> list[tuple[str, str]]:
    return [
        ("mine", _("งานของฉัน")),
        ("group", _("งานที่ยังไม่มีผู้รับ")),
        ("all", _("งานทั้งหมด")),
    ]


def _sort_labels() -> dict[str, str]:
    return {
        "due": _("กำหนดเสร็จ (ใกล้สุดก่อน)"),
        "-due": _("กำหนดเสร็จ (ไกลสุดก่อน)"),
        "received": _("วันที่ได้รับ (เก่าสุดก่อน)"),
        "-received": _("วันที่ได้รับ (ใหม่สุดก่อน)"),
    }


def _date_arg(name: str) -> tuple[date | None, str]:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None, ""
    return typed_date(raw)


#: Pages beyond this are not offered (page=10**30 would only overflow the query's offset).


@bp.get("/inbox")
@login_required
def inbox() -> str:
    me = actor()
    counts = tasks.count_tasks(rt(), me)
    view = request.args.get("view", "mine")
    if view not in ("mine", "group", "all"):
        view = "mine"
    process_key = request.args.get("process") or None
    overdue = request.args.get("overdue") in ("1", "on", "true")
    due_day, date_error = _date_arg("due_before")
    sort = request.args.get("sort", "due")
    if sort not in SORTS:
        sort = "due"
    page = page_arg()
    due_before = None
    if due_day is not None:
        # "Due by this day": anything due before the next day starts in Bangkok.
        due_before = datetime.combine(due_day + timedelta(days=1), time(0), BANGKOK)
    result = tasks.list_tasks(
        rt(), me, view,
        process_key=process_key, overdue=overdue, due_before=due_before, sort=sort,
        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
    )
    total = result["total"]
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    filters: dict[str, Any] = {
        "view": view, "process": process_key or "", "overdue": "1" if overdue else "",
        # Shown back in the Buddhist Era; a refused one as it was typed.
        "due_before": shown_date(request.args.get("due_before", "").strip())
        if due_day or date_error else "",
        "sort": sort,
    }

    def page_url(number: int) -> str:
        args = {k: v for k, v in filters.items() if v}
        return url_for("inbox.inbox", page=number, **args)

    tabs = [(key, label, counts.get(key)) for key, label in _tabs()
            if key != "all" or counts.get("all") is not None]
    return render_template(
        "inbox.html",
        tabs=tabs, view=view, rows=result["tasks"], total=total, page=page, pages=pages,
        first=(page - 1) * PAGE_SIZE + 1 if total else 0,
        last=min(page * PAGE_SIZE, total),
        page_url=page_url, filters=filters, date_error=date_error,
        date_help=date_entry_help(),
        process_options=[(p["key"], p["name"]) for p in processes.list_processes(rt())],
        sort_labels=_sort_labels(),
    )
