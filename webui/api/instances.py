"""The API's case search, on the /api/v1 blueprint of routes.py: ``GET /instances`` with
filters in the query, ``POST /instances/search`` for a search by names, whose term
travels in the body only (a query string ends up in proxies' logs). Dates are ISO
``YYYY-MM-DD`` in the Common Era. Described in openapi.json."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from engine.core.errors import InvalidData
from engine.core.models import MAX_DB_INT
from engine.services.search import cases as case_search
from engine.services.search.filters import filters_from
from engine.thai.dates import parse_iso_day
from webui.api.routes import _int_arg, actor, bp, json_body, token_required
from webui.web import rt

#: The filters both endpoints take (the query's parameters, or the body's keys).
FILTERS = ("number", "code", "process", "status", "date_field", "date_from", "date_to", "q")


@bp.get("/instances")
@token_required
def list_instances() -> Response:
    if "name" in request.args:
        # Refused without reading it: the term has already gone through the URL.
        raise InvalidData("ค้นหาด้วยชื่อผ่าน POST /api/v1/instances/search เท่านั้น / search by "
                          "name with POST /api/v1/instances/search; a name never goes in a URL",
                          {"name": "POST /api/v1/instances/search"})
    filters = filters_from({k: request.args.get(k, "") for k in FILTERS}, read_day=parse_iso_day)
    return jsonify(case_search.search_cases(
        rt(), actor(), filters, limit=_int_arg("limit", case_search.PAGE_SIZE),
        offset=_int_arg("offset", 0)))


def _body_text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidData(f"{name} ต้องเป็นข้อความ / must be a string", {name: "string"})
    return str(value)


def _body_int(body: dict[str, Any], name: str, default: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or \
            not -MAX_DB_INT <= value <= MAX_DB_INT:
        raise InvalidData(f"{name} ต้องเป็นตัวเลข / must be a whole number",
                          {name: "whole number"})
    return value


@bp.post("/instances/search")
@token_required
def search_instances() -> Response:
    body = json_body()
    filters = filters_from({k: _body_text(body, k) for k in FILTERS}, read_day=parse_iso_day,
                           name=_body_text(body, "name"), name_fields=body.get("name_fields"))
    return jsonify(case_search.search_cases(
        rt(), actor(), filters, limit=_body_int(body, "limit", case_search.PAGE_SIZE),
        offset=_body_int(body, "offset", 0)))
