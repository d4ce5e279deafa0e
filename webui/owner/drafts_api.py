"""The editor's drafts (JSON, blueprint ``drafts_api``) and deploying a draft (a page).

Under /owner/api/processes/<key>/: ``GET draft`` (the draft, else the current version),
``PUT draft`` (save from the revision the editor loaded; 409 when a newer draft exists),
``DELETE draft`` and ``POST presence``. The browser signs in with its session cookie, so
every call carries the page's CSRF token in ``X-CSRFToken``. Every failure answers JSON,
``{"error": Thai, "error_en": English, "code": …}``, never a page or a traceback.

``POST /owner/processes/<key>/draft/deploy`` is a form: it puts the saved draft through the
upload's own preview (report, change summary, warnings) and its confirm step, which writes
the file into processes/ like an upload, so ``govflow deploy`` never undoes it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from engine.core import logs
from engine.core.errors import GovflowError, InvalidData
from engine.services.admin import drafts, versions
from webui import request_log
from webui.errors import HTTP_MESSAGES
from webui.owner import processes
from webui.web import actor, rt

log = logging.getLogger(__name__)

bp = Blueprint("drafts_api", __name__, url_prefix="/owner/api/processes")

#: A 5 MB BPMN file as a JSON string: each quote and backslash escaped, and the rest of
#: the body around it.
DRAFT_BODY_BYTES = 2 * versions.MAX_UPLOAD + processes.UPLOAD_OVERHEAD

SIGNED_OUT = ("ท่านออกจากระบบแล้ว กรุณาเข้าสู่ระบบใหม่ ฉบับร่างที่บันทึกไว้ยังอยู่ / you are signed "
              "out: sign in again (saved drafts are kept)")


def allow_large_draft() -> None:
    """Runs before CSRF parsing: a saved draft may be as large as an uploaded file."""
    if request.endpoint == "drafts_api.save":
        request.max_content_length = DRAFT_BODY_BYTES


# ---- answers ------------------------------------------------------------------------------

def _answer(status: int, code: str, message: str, **extra: Any) -> tuple[Response, int]:
    thai, sep, english = message.partition(" / ")
    return jsonify({"error": thai.strip(), "error_en": (english if sep else thai).strip(),
                    "code": code, **extra}), status


@bp.errorhandler(GovflowError)
def _refused(error: GovflowError) -> tuple[Response, int]:
    if error.status >= 500:
        log.error("govflow_error", extra={**request_log.route_fields(),
                                          **logs.error_fields(error)})
        return _answer(500, "internal_error", HTTP_MESSAGES[500])
    extra: dict[str, Any] = {}
    if isinstance(error, InvalidData) and error.fields:
        extra["fields"] = error.fields
    if isinstance(error, drafts.DraftConflict):
        extra.update(revision=error.revision, saved_by=error.saved_by,
                     saved_at=error.saved_at.isoformat() if error.saved_at else None)
    return _answer(error.status, error.code, error.message, **extra)


@bp.errorhandler(CSRFError)
def _csrf(_error: CSRFError) -> tuple[Response, int]:
    return _answer(400, "csrf_error", "ไม่มีรหัสป้องกันการปลอมคำขอ (X-CSRFToken) หรือหมดอายุ "
                  "กรุณาโหลดหน้าใหม่ / the X-CSRFToken header is missing or stale: reload the "
                  "page")


@bp.errorhandler(HTTPException)
def _http(error: HTTPException) -> tuple[Response, int]:
    status = error.code or 500
    return _answer(status, error.name.lower().replace(" ", "_"),
                  HTTP_MESSAGES.get(status, HTTP_MESSAGES[400]))


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> tuple[Response, int]:
    log.error("unhandled_error", extra={**request_log.route_fields(),
                                        **logs.error_fields(error)})
    return _answer(500, "internal_error", HTTP_MESSAGES[500])


def owner_api(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in as a process owner or administrator, else 401/403 as JSON (not the
    sign-in page an HTML view redirects to). The engine checks the role again."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _answer(401, "not_authenticated", SIGNED_OUT)
        if actor().roles.isdisjoint(versions.OWNER_ROLES):
            return _answer(403, "forbidden", HTTP_MESSAGES[403])
        return view(*args, **kwargs)

    return wrapper


def _body() -> dict[str, Any]:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nesting deep enough to exhaust the parser's stack
        body = None
    if not isinstance(body, dict):
        raise InvalidData('ต้องส่ง JSON object เช่น {"bpmn": "...", "revision": 1} / send a JSON '
                          'object such as {"bpmn": "...", "revision": 1} with Content-Type: '
                          "application/json")
    try:
        # JSON may escape half a surrogate pair ("\ud800"): text nothing can store.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidData("ข้อความมีอักขระที่ไม่ถูกต้อง (surrogate ที่ไม่มีคู่) / the text contains "
                          "an unpaired surrogate (e.g. \\ud800): send UTF-8 text") from None
    return body


# ---- the draft ----------------------------------------------------------------------------

@bp.get("/<key>/draft")
@owner_api
def load(key: str) -> Response:
    return jsonify(drafts.get_draft(rt(), actor(), key))


@bp.put("/<key>/draft")
@owner_api
def save(key: str) -> Response:
    body = _body()
    bpmn = body.get("bpmn")
    if not isinstance(bpmn, str):
        raise InvalidData("ต้องมี bpmn เป็นข้อความ XML / bpmn must be the XML text",
                          {"bpmn": "ต้องมี / required"})
    return jsonify(drafts.save_draft(rt(), actor(), key, bpmn, body.get("revision"),
                                     body.get("lanes")))


@bp.delete("/<key>/draft")
@owner_api
def discard(key: str) -> Response:
    return jsonify(drafts.discard_draft(rt(), actor(), key, _body().get("revision")))


@bp.post("/<key>/presence")
@owner_api
def presence(key: str) -> Response:
    return jsonify(drafts.touch_presence(rt(), actor(), key))


# ---- deploying the draft (a page, on the owner blueprint) ---------------------------------

@processes.bp.post("/processes/<key>/draft/deploy")
@processes.owner_required
def deploy_draft(key: str) -> BaseResponse | tuple[str, int]:
    """The upload preview of the saved draft; its confirm button deploys it."""
    if not drafts.has_draft(rt(), key):
        flash(_("ยังไม่มีฉบับร่างที่บันทึกไว้ ไม่มีอะไรให้ติดตั้ง"), "info")
        return redirect(url_for("owner.version_list", key=key))
    draft = drafts.draft_file(rt(), actor(), key)
    return processes.preview_page(draft.file_name, draft.bpmn)
