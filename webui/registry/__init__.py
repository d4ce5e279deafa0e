"""The letter registers' pages (ทะเบียนหนังสือส่ง, ทะเบียนหนังสือรับ): listed by year and
date range, and downloaded as CSV. The engine side is engine/services/registry/."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _

from engine.core.actors import today_in_bangkok
from engine.core.errors import InvalidData
from engine.core.personal_data import may_read_personal_data
from engine.services.registry import listing
from engine.services.registry.numbers import REGISTERS
from webui.i18n import localize, localize_fields
from webui.web import actor, roles_required, rt

bp = Blueprint("registry", __name__, url_prefix="/registers")

#: The query parameters the page keeps from one request to the next.
FILTERS = ("year", "date_from", "date_to")
FORMATS = ("", "html", "csv")


def _titles() -> dict[str, str]:
    return {"outgoing": _("ทะเบียนหนังสือส่ง"), "incoming": _("ทะเบียนหนังสือรับ")}


def _page(register: str, typed: dict[str, str], *, rows=None, message: str = "",
          errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "registry/register.html", register=register, titles=_titles(), typed=typed,
        rows=rows, message=message, errors=errors or {},
        sees_complaints=may_read_personal_data(actor().roles),
        kept={k: v for k, v in typed.items() if v},
    ), status


@bp.get("/<register>")
@roles_required(listing.REGISTER_ROLES)
def register_page(register: str) -> Response | tuple[str, int]:
    if register not in REGISTERS:
        abort(404)
    typed = {name: request.args.get(name, "")[:20] for name in FILTERS}
    if "year" not in request.args:  # the page opens on this year; an empty year is all
        typed["year"] = str(listing.this_year(today_in_bangkok()))
    fmt = request.args.get("format", "")
    if fmt not in FORMATS:
        return _page(register, typed, message=_("ไม่รู้จักรูปแบบไฟล์ที่ขอ ใช้ได้เฉพาะ CSV"),
                     status=400)
    try:
        filters = listing.filters_from(typed)
    except InvalidData as error:
        # Nothing is listed (or recorded as read) for filters that cannot be understood.
        return _page(register, typed, message=localize(error.message),
                     errors=localize_fields(error.fields), status=400)
    rows = listing.list_register(rt(), actor(), register, filters)
    if fmt == "csv":
        return Response(listing.register_csv_bytes(register, rows), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="'
                                 f'{listing.csv_filename(register, filters)}"'})
    return _page(register, typed, rows=rows)
