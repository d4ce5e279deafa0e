"""What every case view shows: data, history, comments, attachments, in words."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from flask_babel import gettext as _

from engine.bpmn.forms import choice_options, title_in
from engine.core.errors import NotFound
from engine.core.personal_data import PERSONAL_FIELDS
from engine.services.complaints import letters
from engine.services.inbox import attachments, comments, instances
from webui.i18n import current_language
from webui.web import actor, rt, show_date

#: A date in a form field not declared as one (shown in the Buddhist Era all the same).
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _action_labels() -> dict[str, str]:
    return {
        "instance_started": _("เริ่มเรื่อง"),
        "task_claimed": _("รับงาน"),
        "task_unclaimed": _("คืนงานให้กลุ่ม"),
        "task_completed": _("ดำเนินการเสร็จ"),
        "task_reassigned": _("มอบหมายงานใหม่"),
        "comment_added": _("แสดงความคิดเห็น"),
        "attachment_added": _("แนบไฟล์"),
        "attachment_read": _("เปิดไฟล์แนบ"),
        "personal_data_read": _("เปิดดูข้อมูลส่วนบุคคล"),
        "letter_issued": _("ออกหนังสือ"),
        "timer_fired": _("ครบกำหนดเวลา"),
        "escalated": _("แจ้งเตือนผู้บังคับบัญชา"),
        "instance_completed": _("เรื่องเสร็จสิ้น"),
    }


def _acting_roles(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return sorted(str(v) for v in value)


class DataRow(NamedTuple):
    """One value of a case as a person reads it."""

    label: str
    text: str
    #: True when the text is what someone typed (Thai data, marked so on English pages);
    #: False for words govflow itself chose: yes/no, a choice's title, a date.
    typed: bool


def history_rows(history: list[Mapping[str, Any]],
                 schemas: Sequence[Mapping[str, Any] | None] = ()) -> list[dict[str, Any]]:
    """The history for people: actions in words, and what each completed step recorded
    (each follow-up round keeps its own date and note here)."""
    labels = _action_labels()
    rows = []
    for event in history:
        detail = event.get("detail") or {}
        rows.append({
            "values": data_rows(event.get("values"), list(schemas)),
            "at": event.get("at"),
            "who": event.get("actor_display") or event.get("actor") or "",
            "username": event.get("actor") or "",
            "action": labels.get(event.get("action", ""), event.get("action", "")),
            "task": detail.get("task") if isinstance(detail, Mapping) else None,
            "to": detail.get("to") if isinstance(detail, Mapping) else None,
            "acting_for": _acting_roles(event.get("acting_for")),
            # Recorded since appointments have two kinds; older events were all acting.
            "acting_kind": detail.get("acting_kind") if isinstance(detail, Mapping) else None,
        })
    return rows


def _labels_and_choices(
    schemas: list[Mapping[str, Any] | None],
) -> tuple[dict[str, str], dict[str, dict[str, str]], set[str]]:
    language = current_language()
    labels: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    dates: set[str] = set()
    for schema in schemas:
        for name, prop in ((schema or {}).get("properties") or {}).items():
            if not isinstance(prop, Mapping):
                continue
            labels.setdefault(name, title_in(prop, language, name))
            if prop.get("format") == "date":
                dates.add(name)
            options = choice_options(prop, language)
            if options:
                choices.setdefault(name, options)
    return labels, choices, dates


def data_rows(
    data: Mapping[str, Any] | None, schemas: list[Mapping[str, Any] | None]
) -> list[DataRow]:
    """The case's data for people, labelled with the titles its forms give (in the reader's
    language); dates in the Buddhist Era, booleans and choices in words.

    Only variables a form of the process names are shown. The others are internal: a
    process's settings (``triage_days``), clocks (``follow_up_from``) and flags
    govflow keeps (``complainant_identified``). They mean nothing to the person reading
    the case, and the history and the API still carry them.
    """
    labels, choices, dates = _labels_and_choices(schemas)
    rows = []
    for name, value in (data or {}).items():
        if name not in labels or value in (None, "") or isinstance(value, dict | list):
            continue
        typed = False
        if isinstance(value, bool):
            text = _("ใช่") if value else _("ไม่ใช่")
        elif name in dates or (isinstance(value, str) and ISO_DAY.fullmatch(value)):
            text = show_date(value)  # Buddhist Era, like every date people see
        elif str(value) in choices.get(name, {}):
            text = choices[name][str(value)]
        else:
            text, typed = str(value), True
        rows.append(DataRow(labels[name], text, typed))
    return rows


def case_parts(
    instance_id: int, forms: tuple = (), *, include_personal: bool = False
) -> dict[str, Any]:
    """History, comments, attachments and data of a case, or empty parts if hidden.

    Personal data is read (and the read audited) only for the page that shows it.
    """
    me = actor()
    try:
        case = instances.get_instance(rt(), me, instance_id, include_personal=include_personal)
    except NotFound:
        return {"case": None, "history": [], "comments": [], "attachments": [], "data": [],
                "letters_pending": []}
    return {
        "case": case,
        "history": history_rows(case.get("history") or [],
                                [*(case.get("forms") or []), *forms]),
        "comments": comments.list_comments(rt(), me, instance_id),
        "attachments": attachments.list_attachments(rt(), me, instance_id),
        "letters_pending": letters.pending_letters(rt(), me, instance_id),
        "data": data_rows(case.get("data"), [*(case.get("forms") or []), *forms]),
    }


def upload_limits() -> dict[str, Any]:
    return {
        "max_mb": attachments.MAX_BYTES // (1024 * 1024),
        "accept": ",".join(sorted(attachments.ALLOWED_TYPES)),
        # Processes whose files may come from a complainant (never enclosed to the accused).
        "complainant_processes": sorted(PERSONAL_FIELDS),
    }
