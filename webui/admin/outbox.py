"""The outbox page for administrators: e-mails and letters that failed or are stuck,
with recipients masked, and a retry (due now) or cancel for each. The engine audits both
and checks the role too."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.core.errors import Conflict, NotFound
from engine.core.models import MAX_DB_INT
from engine.services.ops import outbox as outbox_admin
from webui.i18n import localize
from webui.web import actor, admin_required, rt

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")


@bp.get("")
@admin_required
def queue() -> str:
    return render_template("admin/outbox.html", **outbox_admin.list_problems(rt(), actor()))


def _act(action: str) -> Response:
    """Retry or cancel the row the form names (``kind`` message or letter, ``id``)."""
    kind = request.form.get("kind", "")
    raw = request.form.get("id", "")
    # A number the database's integer holds, or 0 (no such row).
    digits = raw.isascii() and raw.isdigit() and len(raw) <= 12
    row_id = int(raw) if digits and int(raw) <= MAX_DB_INT else 0
    change = outbox_admin.retry if action == "retry" else outbox_admin.cancel
    try:
        change(rt(), actor(), kind, row_id)
    except (Conflict, NotFound) as error:  # done or cancelled meanwhile: say so, change nothing
        flash(localize(error.message), "error")
        return redirect(url_for("outbox.queue"))
    done = {
        ("retry", "message"): _("อีเมลรายการที่ %(id)d จะส่งใหม่ในรอบถัดไปของตัวจัดกำหนดการ",
                                id=row_id),
        ("cancel", "message"): _("ยกเลิกอีเมลรายการที่ %(id)d แล้ว จะไม่ส่งอีก", id=row_id),
        ("retry", "letter"): _("หนังสือรายการที่ %(id)d จะจัดทำใหม่ในรอบถัดไปของตัวจัดกำหนดการ",
                               id=row_id),
        ("cancel", "letter"): _("ยกเลิกหนังสือรายการที่ %(id)d แล้ว จะไม่จัดทำอีก", id=row_id),
    }
    flash(done[action, kind], "success")
    return redirect(url_for("outbox.queue"))


@bp.post("/retry")
@admin_required
def retry() -> Response:
    return _act("retry")


@bp.post("/cancel")
@admin_required
def cancel() -> Response:
    return _act("cancel")
