"""The public front page: what this system is, and the way in; and the pictures every page
heads with: the office's logo (from processes/office.toml) and govflow's favicon."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, current_app, render_template, send_from_directory

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


#: Logos and the icon change rarely; a day in the browser's cache spares every page a fetch.
IMAGE_MAX_AGE = 24 * 60 * 60


@bp.get("/office-logo")
def office_logo() -> Response:
    """The office's logo (ตราสัญลักษณ์) named in office.toml, for page headers and receipts."""
    data = rt().office.logo_bytes
    # office.py accepts PNG or JPEG only, by their first bytes.
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    response = Response(data, mimetype=kind)
    response.headers["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says; it is govflow's own icon."""
    response = send_from_directory(current_app.static_folder or "static", "favicon.ico",
                                   mimetype="image/vnd.microsoft.icon",
                                   max_age=IMAGE_MAX_AGE)
    response.headers["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
    return response
