"""Expressions checked as they are typed in the editor's side panel:
``POST /owner/api/expressions/check`` ``{"expression", "variables": [...]}`` →
``{"ok", "message", "message_th"}``, by the restricted evaluator that runs them."""

from __future__ import annotations

from flask import jsonify
from werkzeug.wrappers import Response as BaseResponse

from engine.services.admin.expression_check import check_typed_expression
from webui.owner.forms_api import json_object, owner_json
from webui.owner.processes import bp
from webui.web import actor


@bp.post("/api/expressions/check")
@owner_json
def expression_check() -> BaseResponse:
    body = json_object()
    return jsonify(check_typed_expression(actor(), body.get("expression"),
                                          body.get("variables")))
