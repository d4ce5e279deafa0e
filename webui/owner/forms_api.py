"""The forms API for the process editor (JSON, session and ``X-CSRFToken`` like every
owner page): the forms under processes/forms/, and a new one made from the side panel.

``GET /owner/api/forms`` lists each form's path, titles and fields; ``POST`` writes a NEW
form (``{"name", "title_th", "title_en", "fields": [{"name", "title_th", "title_en",
"type", "required", "list", "personal"}]}``) and answers 201 ``{"path"}``; it never
overwrites one. Refusals are JSON with Thai and English, never a page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import jsonify, request
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from engine.bpmn.form_fields import KINDS, FormField
from engine.core.errors import GovflowError, InvalidData
from engine.services.admin import forms_edit
from engine.services.admin.versions import OWNER_ROLES
from webui.owner.processes import bp
from webui.web import actor, rt


def json_error(status: int, thai: str, english: str,
               fields: dict[str, str] | None = None) -> BaseResponse:
    response = jsonify({"error": thai, "error_en": english, "fields": fields or {}})
    response.status_code = status
    return response


def owner_json(view: Callable[..., Any]) -> Callable[..., Any]:
    """A JSON endpoint for process owners: 401/403 and the engine's refusals as JSON."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return json_error(401, "กรุณาเข้าสู่ระบบ", "sign in first")
        if actor().roles.isdisjoint(OWNER_ROLES):
            return json_error(403, "เฉพาะผู้ดูแลกระบวนงาน", "process owners only")
        try:
            return view(*args, **kwargs)
        except GovflowError as error:
            thai, _sep, english = error.message.partition(" / ")
            fields = getattr(error, "fields", None) or {}
            return json_error(error.status, thai, english or thai, dict(fields))
    return wrapper


def json_object() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidData("ต้องส่ง JSON object / send a JSON object "
                          "(Content-Type: application/json)")
    return body


@bp.get("/api/forms")
@owner_json
def forms_list() -> BaseResponse:
    return jsonify(forms_edit.list_forms(rt(), actor()))


@bp.post("/api/forms")
@owner_json
def form_create() -> tuple[BaseResponse, int]:
    body = json_object()
    path = forms_edit.new_form_path(body.get("name"))
    fields = body.get("fields")
    if not isinstance(fields, list) or not fields:
        raise InvalidData("ต้องมีอย่างน้อยหนึ่งช่อง / a form needs at least one field",
                          {"fields": "[...]"})
    personal = forms_edit.personal_by_default(path, [])
    specs = [_field(item, personal) for item in fields]
    saved = forms_edit.save_form(rt(), actor(), path, _text(body, "title_th"),
                                 _text(body, "title_en"), specs, new=True)
    return jsonify({"path": saved["path"]}), 201


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return value.strip() if isinstance(value, str) else ""


def _field(item: Any, personal_default: bool) -> FormField:
    """One field of the POST body; ``personal`` defaults to the form's rule."""
    if not isinstance(item, dict):
        raise InvalidData("แต่ละช่องต้องเป็น JSON object / each field must be a JSON object")
    kind = _text(item, "type") or "text"
    personal = item.get("personal")
    return FormField(
        name=_text(item, "name"), title_th=_text(item, "title_th"),
        title_en=_text(item, "title_en"), help_th=_text(item, "help_th"),
        help_en=_text(item, "help_en"), kind=kind if kind in KINDS else f"?{kind}",
        required=item.get("required") is True, required_if=_text(item, "required_if"),
        choices_list=_text(item, "list"),
        personal=personal if isinstance(personal, bool) else (True if personal_default
                                                              else None))
