"""Staff pages of publications (any signed-in role): every item whatever its status, its
history, and the web administrator's withdrawal (engine/services/publishing/requests.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from engine.core.errors import Conflict, InvalidData
from engine.services.publishing import requests as publications
from webui.i18n import localize, localize_fields
from webui.web import MAX_PAGE, actor, page_arg, pages_of, rt

bp = Blueprint("publications", __name__, url_prefix="/publications")

#: The query parameters the list keeps from one request to the next.
FILTERS = ("status", "category", "q")


def status_labels() -> dict[str, str]:
    return {
        "published": _("เผยแพร่อยู่"),
        "superseded": _("ถูกแทนที่แล้ว"),
        "withdrawn": _("ถอนการเผยแพร่แล้ว"),
    }


@bp.get("")
@login_required
def publication_list() -> tuple[str, int]:
    typed = {name: request.args.get(name, "")[:1000] for name in FILTERS}
    page = page_arg()
    size = publications.STAFF_PAGE
    try:
        result = publications.list_publications(rt(), actor(), **typed, limit=size,
                                                 offset=(page - 1) * size)
    except InvalidData as error:
        # Nothing is listed for filters that cannot be understood; the form says why.
        return render_template(
            "publications/list.html", typed=typed, result=None, labels=status_labels(),
            categories=publications.categories(rt()),
            message=localize(error.message),
            errors=localize_fields(error.fields), pages={},
        ), 400
    return render_template(
        "publications/list.html", typed=typed, result=result, labels=status_labels(),
        categories=result["categories"], message="", errors={},
        pages=pages_of("publications.publication_list", page, result["total"], size,
                       max_page=MAX_PAGE, **typed),
    ), 200


def _page(publication_id: int, *, reason: str = "", error: str = "", message: str = "",
          status: int = 200) -> tuple[str, int]:
    found = publications.get_publication(rt(), actor(), publication_id)
    return render_template("publications/detail.html", pub=found, labels=status_labels(),
                           reason=reason, error=error, message=message,
                           max_reason=publications.MAX_REASON), status


@bp.get("/<int:publication_id>")
@login_required
def publication_page(publication_id: int) -> tuple[str, int]:
    return _page(publication_id)


@bp.post("/<int:publication_id>/withdraw")
@login_required
def withdraw(publication_id: int) -> Response | tuple[str, int]:
    reason = (request.form.get("reason") or "")[:publications.MAX_REASON * 2]
    try:
        publications.withdraw(rt(), actor(), publication_id, reason)
    except InvalidData as error:
        return _page(publication_id, reason=reason, status=400,
                     message=localize(error.message),
                     error=localize(error.fields.get("reason", "")))
    except Conflict as error:
        return _page(publication_id, reason=reason, status=409, message=localize(error.message))
    flash(_("ถอนรายการเลขที่ %(id)d ออกจากการเผยแพร่แล้ว", id=publication_id), "success")
    return redirect(url_for("publications.publication_page", publication_id=publication_id))
