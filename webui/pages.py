"""Human-facing pages. The task inbox arrives with its own issue; for now a Thai front page."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, render_template

from engine.services import processes
from engine.thai_dates import format_thai_date
from engine.workdays import BANGKOK

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    runtime = current_app.extensions["govflow"]
    return render_template(
        "index.html",
        processes=processes.list_processes(runtime),
        today=format_thai_date(datetime.now(BANGKOK).date(), "full"),
    )
