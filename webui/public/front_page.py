"""The public front page: what this system is, and the way in."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template

from engine.services.admin import processes
from engine.thai.dates import format_thai_date
from engine.thai.workdays import BANGKOK
from webui.i18n import current_language
from webui.web import rt, show_date

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    today = datetime.now(BANGKOK).date()
    return render_template(
        "index.html",
        processes=processes.list_processes(rt()),
        today=format_thai_date(today, "full") if current_language() == "th" else show_date(today),
    )
