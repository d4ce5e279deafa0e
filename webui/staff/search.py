"""The case search page (ค้นหาเรื่อง) and one's own requests (เรื่องที่ฉันยื่น).

The engine side is engine/services/search/. Searching by number, code, process, status,
dates and words is a GET, so a result can be bookmarked. A name is personal data: for
the roles that may search names the form posts, the name travels in the body only, and
the results of a name search page by buttons of the same form, never by links.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from engine.core.errors import InvalidData
from engine.core.personal_data import may_read_personal_data
from engine.core.statuses import InstanceStatus
from engine.services.admin import processes
from engine.services.search import cases as case_search
from engine.services.search.filters import filters_from
from webui.i18n import localize, localize_fields
from webui.web import MAX_PAGE, actor, page_arg, pages_of, rt

bp = Blueprint("search", __name__)

#: The conditions the page keeps in its links (never the name).
FILTERS = ("number", "code", "process", "status", "date_field", "date_from", "date_to", "q")
#: What the name fields of the form are called (the name itself, and whose name).
NAME, NAME_FIELDS = "name", "name_fields"
SIZE = case_search.PAGE_SIZE


def status_labels() -> dict[str, str]:
    return {
        InstanceStatus.RUNNING: _("อยู่ระหว่างดำเนินการ"),
        InstanceStatus.COMPLETED: _("เสร็จสิ้น"),
        InstanceStatus.ERROR: _("ขัดข้อง รอผู้ดูแลกระบวนงาน"),
        InstanceStatus.CANCELLED: _("ยกเลิก"),
    }


def _choices() -> dict[str, Any]:
    return {
        "processes": {p["key"]: p["name"] for p in processes.list_processes(rt())},
        "statuses": status_labels(),
        # The empty choice is the received date (the form's "any" of this select).
        "date_fields": {"started": _("วันที่เริ่มเรื่องในระบบ")},
        "name_fields": {"complainant": _("ผู้ร้องเรียน"), "accused": _("ผู้ถูกร้องเรียน")},
    }


def _typed(source: MultiDict[str, str]) -> dict[str, str]:
    return {name: source.get(name, "")[:200] for name in (*FILTERS, NAME, NAME_FIELDS)}


def _page(typed: dict[str, str], **shown: Any) -> str:
    names = may_read_personal_data(actor().roles)
    return render_template("search.html", typed=typed, names=names, labels=status_labels(),
                           scan=case_search.SHORT_TERM_SCAN, **_choices(), **shown)


def _search(typed: dict[str, str], page: int) -> tuple[str, int]:
    """Search and show; a condition that cannot be understood is named, and nothing is
    searched (nor recorded)."""
    try:
        filters = filters_from(typed, name=typed[NAME], name_fields=typed[NAME_FIELDS] or None)
        result = case_search.search_cases(rt(), actor(), filters, limit=SIZE,
                                          offset=(page - 1) * SIZE)
    except InvalidData as error:
        return _page(typed, result=None, message=localize(error.message),
                     errors=localize_fields(error.fields), pages={}, posted=False), 400
    posted = filters.searches_names
    kept = {} if posted else {k: v for k, v in typed.items() if k in FILTERS}
    pages = pages_of("search.search_page", page, result["total"], SIZE, max_page=MAX_PAGE,
                     **kept)
    return _page(typed, result=result, message="", errors={}, pages=pages, posted=posted), 200


@bp.get("/search")
@login_required
def search_page() -> tuple[str, int]:
    typed = _typed(request.args)
    typed[NAME] = ""  # a name is never read from a URL
    if not any(typed[name] for name in FILTERS if name != "date_field"):
        return _page(typed, result=None, message="", errors={}, pages={}, posted=False), 200
    return _search(typed, page_arg())


@bp.post("/search")
@login_required
def search_names() -> Response | tuple[str, int]:
    """The form's POST: with a name, searched here (the name stays in the body); without
    one, sent on to the GET page, whose address can be kept."""
    typed = _typed(request.form)
    if not typed[NAME].strip():
        kept: dict[str, Any] = {k: v for k, v in typed.items() if k in FILTERS and v}
        return redirect(url_for("search.search_page", **kept), code=303)
    raw_page = request.form.get("page", "1")
    page = int(raw_page) if raw_page.isdecimal() and 0 < int(raw_page) <= MAX_PAGE else 1
    return _search(typed, page)


@bp.get("/my-requests")
@login_required
def my_requests() -> tuple[str, int]:
    page = page_arg()
    result = case_search.my_requests(rt(), actor(), limit=SIZE, offset=(page - 1) * SIZE)
    return render_template(
        "my_requests.html", result=result, labels=status_labels(),
        pages=pages_of("search.my_requests", page, result["total"], SIZE, max_page=MAX_PAGE),
    ), 200
