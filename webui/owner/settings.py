"""The settings page of a process (roles ``process_owner`` and ``admin``): its named values,
such as the triage period, changed without touching the diagram.

Three steps, without JavaScript: the form (each setting with its label, its rule, its
bounds and its value); a POST that checks what was typed and shows what would change, in
sentences, or the form again with what to fix (a value beyond its rule asks for a ticked
acknowledgement naming the rule); and the confirm, which writes processes.toml and
deploys a new version. The routes are added to the owner blueprint (processes.bp).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from engine.core.errors import Conflict, InvalidData
from engine.services.admin import process_settings_edit as edit
from engine.services.admin import versions
from webui.i18n import current_language, localize
from webui.owner.processes import bp, owner_required
from webui.web import actor, failure, rt

#: The form field that acknowledges a value beyond its rule: ack_<setting name> = yes.
ACK_PREFIX = "ack_"


def _shown(setting: Mapping[str, Any]) -> dict[str, Any]:
    """A setting as the page shows it, in the reader's language."""
    english = current_language() == "en"
    return {**setting,
            "label": setting["label_en" if english else "label_th"],
            "rule": setting["rule_en" if english else "rule_th"],
            "unit": setting["unit_en" if english else "unit_th"]}


def _typed(names: list[str]) -> tuple[dict[str, str], set[str]]:
    typed = {name: (request.form.get(name) or "").strip()[:50] for name in names}
    acknowledged = {name for name in names if request.form.get(ACK_PREFIX + name) == "yes"}
    return typed, acknowledged


def _form_page(key: str, *, status: int = 200, typed: Mapping[str, str] | None = None,
               errors: Mapping[str, str] | None = None, message: str = "",
               warnings: Mapping[str, str] | None = None,
               acknowledged: set[str] | frozenset[str] = frozenset()) -> tuple[str, int]:
    current = edit.read_process_settings(rt(), actor(), key)
    return render_template(
        "owner/settings.html", key=key, current=current,
        settings=[_shown(s) for s in current["settings"]], typed=typed or {},
        errors=errors or {}, message=message, warnings=warnings or {},
        acknowledged=acknowledged, ack_prefix=ACK_PREFIX,
    ), status


@bp.get("/processes/<key>/settings")
@owner_required
def settings_page(key: str) -> tuple[str, int]:
    return _form_page(key)


@bp.post("/processes/<key>/settings")
@owner_required
def settings_preview(key: str) -> tuple[str, int]:
    """The typed values checked: the change in sentences, or the form with what to fix."""
    names = [s["name"] for s in edit.read_process_settings(rt(), actor(), key)["settings"]]
    typed, acknowledged = _typed(names)
    try:
        preview = edit.preview_settings(rt(), actor(), key, typed, acknowledged)
    except InvalidData as error:
        message, fields = failure(error)
        return _form_page(key, status=400, typed=typed, errors=fields, message=message,
                          acknowledged=acknowledged)
    if not preview["changes"]:
        return _form_page(key, typed=typed, acknowledged=acknowledged,
                          message=_("ค่าที่กรอกเหมือนค่าที่ใช้อยู่ ไม่มีการเปลี่ยนแปลง"))
    warnings = {c["name"]: localize(c["warning"]) for c in preview["changes"] if c["departs"]}
    if preview["unacknowledged"]:
        return _form_page(
            key, status=400, typed=typed, acknowledged=acknowledged, warnings=warnings,
            errors={name: _("ค่านี้เกินกว่าที่ระเบียบกำหนด ทำเครื่องหมายยืนยันว่ารับทราบก่อน")
                    for name in preview["unacknowledged"]},
            message=_("ค่าบางค่าเกินกว่าที่ระเบียบกำหนด ยังไม่มีการเปลี่ยนแปลง"))
    return _preview_page(key, preview, typed, acknowledged, warnings), 200


def _preview_page(key: str, preview: Mapping[str, Any], typed: Mapping[str, str],
                  acknowledged: set[str], warnings: Mapping[str, str]) -> str:
    running = sum(v["running"] for v in versions.list_versions(rt(), key, actor()))
    english = current_language() == "en"
    return render_template(
        "owner/settings_preview.html", key=key, preview=preview, typed=typed,
        sentences=[(c["text_en"], c["note_en"]) if english else (c["text_th"], c["note_th"])
                   for c in preview["summary"]],
        warnings=warnings, acknowledged=sorted(acknowledged & set(warnings)),
        ack_prefix=ACK_PREFIX, running=running)


@bp.post("/processes/<key>/settings/deploy")
@owner_required
def settings_deploy(key: str) -> BaseResponse | tuple[str, int]:
    names = [s["name"] for s in edit.read_process_settings(rt(), actor(), key)["settings"]]
    typed, acknowledged = _typed(names)
    base = request.form.get("base_version", "")
    try:
        result = edit.deploy_settings(rt(), actor(), key, typed, acknowledged,
                                      base_version=int(base) if base.isdigit() else None)
    except (InvalidData, Conflict) as error:
        message, fields = failure(error)
        other = fields.pop("settings", "")
        return _form_page(key, status=error.status, typed=typed, errors=fields,
                          message=f"{message} {other}".strip(), acknowledged=acknowledged)
    if not result["deployed"]:
        flash(_("ค่าที่กรอกเหมือนค่าที่ใช้อยู่ ไม่มีการเปลี่ยนแปลง"), "info")
        return redirect(url_for("owner.settings_page", key=key))
    for deployed_key, version in result["deployed"]:
        flash(_("ติดตั้ง %(key)s ฉบับที่ %(version)d แล้ว เรื่องใหม่จะใช้ค่าใหม่ "
                "เรื่องที่ดำเนินการอยู่ใช้ค่าเดิม", key=deployed_key, version=version), "success")
    return redirect(url_for("owner.version_list", key=key))
