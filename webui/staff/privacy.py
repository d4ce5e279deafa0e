"""The Director's page of reads of complaint personal data.

The engine side is engine/services/complaints/privacy_log.py.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from engine.core.errors import InvalidData
from engine.services.admin import processes
from engine.services.complaints import privacy_log
from webui.i18n import localize, localize_fields
from webui.web import actor, page_arg, pages_of, roles_required, rt

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

#: The query parameters the page keeps from one request to the next.
FILTERS = ("instance_id", "date_from", "date_to", "username")


def _action_labels() -> dict[str, str]:
    """Thai names of the read actions; a read added to the engine's list without a label
    here still shows, by its code."""
    return {
        "personal_data_read": _("เปิดดูข้อมูลส่วนบุคคล"),
        "attachment_read": _("เปิดไฟล์แนบ"),
        "personal_data_searched": _("ค้นหาเรื่องด้วยชื่อ"),
        "letter_register_read": _("เปิดดูทะเบียนหนังสือ (แถวเรื่องร้องเรียน)"),
    }


def _field_titles() -> dict[str, str]:
    """Thai titles of the personal-data fields a read names, from the complaint start form."""
    for process in processes.list_processes(rt()):
        if process["key"] == "complaint":
            properties = (process.get("start_form") or {}).get("properties") or {}
            return {name: str(prop.get("title") or name) for name, prop in properties.items()
                    if isinstance(prop, dict)}
    return {}


@bp.get("/reads")
@roles_required({privacy_log.READER_ROLE})
def reads() -> tuple[str, int]:
    me = actor()
    # Any-valued: the filters are also the page links' keyword arguments (pages_of).
    typed: dict[str, Any] = {name: request.args.get(name, "")[:100] for name in FILTERS}
    page = page_arg(max_page=99_999)
    try:
        filters = privacy_log.filters_from(typed)
    except InvalidData as error:
        # Nothing is listed (or audited) for filters that cannot be understood.
        return render_template(
            "privacy/reads.html", typed=typed, result=None, labels=_action_labels(), titles={},
            message=localize(error.message),
            errors=localize_fields(error.fields), pages={},
        ), 400
    size = privacy_log.PAGE_SIZE
    result = privacy_log.list_reads(rt(), me, filters, limit=size, offset=(page - 1) * size)
    return render_template(
        "privacy/reads.html", typed=typed, result=result, labels=_action_labels(),
        titles=_field_titles(), message="", errors={},
        pages=pages_of("privacy.reads", page, result["total"], size, **typed),
    ), 200
