"""The editor's live check (JSON): ``POST /owner/api/processes/<key>/check``.

Body ``{"bpmn": "<the XML text>"}`` with the page's CSRF token in ``X-CSRFToken``; the answer
is the validation report ``govflow validate --format json`` prints (engine/bpmn/lint/
report_json.py), 200 also for a file with errors. Only a request that is not such a body
is refused, 400 with Thai and English words. The route sits on the drafts API's blueprint
(webui/owner/drafts_api.py), whose handlers answer every refusal as JSON.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from engine.core.errors import InvalidData
from engine.services.admin import live_check
from webui.owner.drafts_api import DRAFT_BODY_BYTES, bp, owner_api
from webui.web import actor, rt

_NOT_A_BODY = ('ต้องส่ง JSON object ที่มี bpmn เป็นข้อความ XML เช่น {"bpmn": "<bpmn:definitions …>"} '
               'พร้อม Content-Type: application/json / send a JSON object whose bpmn is the XML '
               'text, such as {"bpmn": "<bpmn:definitions …>"}, with Content-Type: '
               'application/json')


def allow_large_check() -> None:
    """Runs before CSRF parsing: the text checked may be as large as an uploaded file."""
    if request.endpoint == "drafts_api.check":
        request.max_content_length = DRAFT_BODY_BYTES


@bp.post("/<key>/check")
@owner_api
def check(key: str) -> Response:
    return jsonify(live_check.check_process_text(rt(), actor(), key, _bpmn_text()))


def _bpmn_text() -> str:
    body: Any = request.get_json(silent=True)
    text = body.get("bpmn") if isinstance(body, dict) else None
    if not isinstance(text, str):
        raise InvalidData(_NOT_A_BODY, {"bpmn": "ต้องมี เป็นข้อความ / required, as text"})
    return text
