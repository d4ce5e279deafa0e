"""Supervisors' view of overdue work (/escalations) and everyone's in-app notifications.

Escalations are raised by the scheduler when a deadline timer fires; the engine decides
who may see each one (supervisors of the process, or the role it was routed to). The
header shows the unread-notification count to everyone signed in and the open-
escalation count to those who may see escalations.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.core.actors import Actor
from engine.core.errors import Conflict
from engine.core.statuses import EscalationStatus
from engine.services.inbox import notifications, tasks
from engine.workflow import escalation_stories, escalations
from webui.web import actor, rt, safe_next, show_datetime

bp = Blueprint("escalations", __name__)

#: Roles that escalations are routed to, or that supervise a process (processes.toml).
OVERSIGHT_ROLES = frozenset({"legal_head", "director", "ict_head"})
#: The status filter: "current" is what is overdue now (open and acknowledged).
STATUS_FILTERS = ("current", *EscalationStatus)
SORTS = ("unit", "age")


def may_see_escalations(me: Actor) -> bool:
    """Supervisors of any process (as for the inbox's 'all' tab) and the notified roles."""
    if me.has_any(OVERSIGHT_ROLES):
        return True
    return tasks.count_tasks(rt(), me).get("all") is not None


def level_name(level: int | None) -> str:
    return {
        0: _("แจ้งเตือน"),
        1: _("ยกระดับขั้นที่ 1"),
        2: _("ยกระดับขั้นที่ 2"),
    }.get(level if level is not None else -1, str(level))


def _status_names() -> dict[str, str]:
    return {
        EscalationStatus.OPEN: _("ยังไม่รับทราบ"),
        EscalationStatus.ACKNOWLEDGED: _("รับทราบแล้ว"),
        EscalationStatus.RESOLVED: _("ดำเนินการแล้ว"),
    }


def status_name(status: str) -> str:
    return _status_names().get(status, status)


def _status_labels() -> dict[str, str]:
    return {"current": _("ค้างอยู่ (ยังไม่รับทราบและรับทราบแล้ว)"), **_status_names()}


def _sort_labels() -> dict[str, str]:
    return {
        "unit": _("จัดกลุ่มตามหน่วยงาน"),
        "age": _("เกินกำหนดนานที่สุดก่อน"),
    }


def _age(story: dict[str, Any]) -> int:
    return story.get("age_working_days") or 0


def age_phrase(level: dict[str, Any]) -> str:
    """How one level stands, worded by tense: done, will be due, due, or overdue by N."""
    if level["status"] == EscalationStatus.RESOLVED:
        return _("ดำเนินการเมื่อ %(at)s", at=show_datetime(level["resolved_at"]))
    if not level["past_due"]:
        return _("จะครบกำหนด %(at)s", at=show_datetime(level["age_from"]))
    days = level["age_working_days"] or 0
    if days <= 0:
        return _("ครบกำหนดแล้วเมื่อ %(at)s", at=show_datetime(level["age_from"]))
    return ngettext("เกินกำหนดมาแล้ว %(num)d วันทำการ", "เกินกำหนดมาแล้ว %(num)d วันทำการ", days)


@bp.get("/escalations")
@login_required
def overview() -> str:
    me = actor()
    if not may_see_escalations(me):
        abort(403)
    status = request.args.get("status", "current")
    if status not in STATUS_FILTERS:
        status = "current"
    sort = request.args.get("sort", "unit")
    if sort not in SORTS:
        sort = "unit"
    stories = escalation_stories.escalation_stories(
        rt(), me, escalation_stories.CURRENT if status == "current" else (status,))
    # Oldest breach first, the higher level first among equals.
    stories.sort(key=lambda e: (-_age(e), -(e["level"] or 0), e["task_due_at"] or "",
                                e["instance_id"]))
    no_unit = _("ไม่ระบุหน่วยงาน")
    if sort == "unit":
        stories.sort(key=lambda e: e["unit_name"] or no_unit)  # stable: age order within
        groups = [(unit, list(items))
                  for unit, items in groupby(stories, key=lambda e: e["unit_name"] or no_unit)]
    else:
        groups = [(None, stories)] if stories else []
    return render_template(
        "escalations.html", groups=groups, total=len(stories), status=status, sort=sort,
        status_labels=_status_labels(), sort_labels=_sort_labels(),
        level_name=level_name, status_name=status_name, age_phrase=age_phrase,
    )


@bp.post("/escalations/<int:escalation_id>/acknowledge")
@login_required
def acknowledge(escalation_id: int) -> Response:
    me = actor()
    if not may_see_escalations(me):
        abort(403)
    back = safe_next(request.form.get("next"), url_for("escalations.overview"))
    try:
        escalations.acknowledge(rt(), me, escalation_id)
    except Conflict:
        flash(_("เรื่องนี้ดำเนินการเสร็จแล้ว ไม่ต้องรับทราบ"), "error")
        return redirect(back)
    flash(_("รับทราบการแจ้งเตือนเลขที่ %(id)d แล้ว", id=escalation_id), "success")
    return redirect(back)


# ---- notifications in the app ------------------------------------------------------------

@bp.get("/notifications")
@login_required
def notification_list() -> str:
    return render_template("notifications.html",
                           items=notifications.list_notifications(rt(), actor()))


@bp.post("/notifications/read")
@login_required
def read_all() -> Response:
    count = notifications.mark_all_read(rt(), actor())
    if count:
        flash(ngettext("ทำเครื่องหมายว่าอ่านแล้ว %(num)d รายการ",
                       "ทำเครื่องหมายว่าอ่านแล้ว %(num)d รายการ", count), "success")
    else:
        flash(_("ไม่มีการแจ้งเตือนที่ยังไม่อ่าน"), "info")
    return redirect(url_for("escalations.notification_list"))


@bp.app_context_processor
def _header_counts() -> dict[str, Any]:
    """Unread notifications for everyone signed in: one count query per page."""
    if request.blueprint == "api":
        return {}
    try:
        me = current_user.actor if current_user.is_authenticated else None
        if me is None:
            return {"unread_notifications": 0, "open_escalations": None}
        unread = notifications.unread_count(rt(), me)
        # The notified roles see the link with how many tasks are still unacknowledged.
        open_count = (escalation_stories.count_open_stories(rt(), me)
                      if me.has_any(OVERSIGHT_ROLES) else None)
    except Exception:  # noqa: BLE001 - an error page must render even when the database cannot
        return {"unread_notifications": 0, "open_escalations": None}
    return {"unread_notifications": unread, "open_escalations": open_count}
