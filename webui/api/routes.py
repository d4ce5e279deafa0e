"""The JSON API under /api/v1: a contract other systems call, described by openapi.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Blueprint, Response, g, jsonify, request

from engine.core.actors import Actor
from engine.core.errors import InvalidData, NotAuthenticated
from engine.core.models import MAX_DB_INT
from engine.services.admin import processes, users, versions
from engine.services.complaints import citizen as public
from engine.services.complaints import privacy_log
from engine.services.inbox import instances, tasks
from engine.thai.workdays import BANGKOK
from engine.workflow import escalations
from webui import diagrams
from webui.api.openapi import openapi_document
from webui.web import rt

bp = Blueprint("api", __name__, url_prefix="/api/v1")

P = ParamSpec("P")
R = TypeVar("R")


def token_required(view: Callable[P, R]) -> Callable[P, R]:
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated(
                "ต้องส่ง Authorization: Bearer <token> / send 'Authorization: Bearer <token>'; "
                "get a token with `govflow user token new NAME --name LABEL`"
            )
        g.actor = users.actor_for_token(rt(), token.strip())
        return view(*args, **kwargs)

    return wrapper


def actor() -> Actor:
    return g.actor


def json_body() -> dict[str, Any]:
    """The request's JSON object; anything else is a 400 that says what was expected."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nesting deep enough to exhaust the parser's stack
        body = None
    if not isinstance(body, dict):
        raise InvalidData(
            "ต้องส่ง JSON object เช่น {\"data\": {...}} / send a JSON object such as "
            "{\"data\": {...}} with Content-Type: application/json"
        )
    _require_unicode_text(body)
    return body


def _require_unicode_text(body: dict[str, Any]) -> None:
    """JSON may escape half a surrogate pair (``"\\ud800"``): text no database, file or
    answer can encode. Refuse it here, once, instead of failing wherever it is written."""
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidData(
            "ข้อความมีอักขระที่ไม่ถูกต้อง (surrogate ที่ไม่มีคู่) กรุณาตรวจสอบการเข้ารหัส UTF-8 / "
            "the text contains an unpaired surrogate (e.g. \\ud800), which is not valid "
            "Unicode; send UTF-8 text"
        ) from None


def form_data(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise InvalidData("data ต้องเป็น JSON object / 'data' must be an object",
                          {"data": "object expected"})
    return data


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.get("/processes")
@token_required
def list_processes() -> Response:
    return jsonify({"processes": processes.list_processes(rt())})


@bp.post("/processes/<key>/instances")
@token_required
def start_instance(key: str) -> tuple[Response, int]:
    view = instances.start_instance(rt(), actor(), key, form_data(json_body()))
    return jsonify(view), 201


@bp.get("/instances/<int:instance_id>")
@token_required
def get_instance(instance_id: int) -> Response:
    return jsonify(instances.get_instance(rt(), actor(), instance_id))


def _flag(name: str) -> bool:
    value = request.args.get(name, "").lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise InvalidData(f"{name} ต้องเป็น true หรือ false / must be true or false",
                      {name: "true or false"})


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    # Beyond the database's integers a number would only overflow inside the driver.
    if value is None or not -MAX_DB_INT <= value <= MAX_DB_INT:
        raise InvalidData(f"{name} ต้องเป็นตัวเลข / must be a whole number up to {MAX_DB_INT}",
                          {name: "whole number"})
    return value


def _datetime_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidData(
            f"{name}: ใช้รูปแบบ ISO 8601 / use ISO 8601, e.g. 2026-12-11T16:30:00+07:00",
            {name: "ISO 8601 date-time"},
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=BANGKOK)
    return value


@bp.get("/tasks")
@token_required
def list_tasks() -> Response:
    result = tasks.list_tasks(
        rt(),
        actor(),
        request.args.get("view", "mine"),
        process_key=request.args.get("process") or None,
        overdue=_flag("overdue"),
        due_before=_datetime_arg("due_before"),
        sort=request.args.get("sort", "due"),
        limit=_int_arg("limit", 50),
        offset=_int_arg("offset", 0),
    )
    return jsonify(result)


@bp.get("/tasks/<task_id>")
@token_required
def get_task(task_id: str) -> Response:
    return jsonify(tasks.get_task(rt(), actor(), task_id))


@bp.post("/tasks/<task_id>/claim")
@token_required
def claim(task_id: str) -> Response:
    return jsonify(tasks.claim_task(rt(), actor(), task_id))


@bp.post("/tasks/<task_id>/unclaim")
@token_required
def unclaim(task_id: str) -> Response:
    return jsonify(tasks.unclaim_task(rt(), actor(), task_id))


@bp.post("/tasks/<task_id>/complete")
@token_required
def complete(task_id: str) -> Response:
    return jsonify(tasks.complete_task(rt(), actor(), task_id, form_data(json_body())))


@bp.get("/escalations")
@token_required
def list_escalations() -> Response:
    status = request.args.get("status") or None
    return jsonify({"escalations": escalations.list_escalations(rt(), actor(), status)})


@bp.post("/escalations/<int:escalation_id>/acknowledge")
@token_required
def acknowledge_escalation(escalation_id: int) -> Response:
    return jsonify(escalations.acknowledge(rt(), actor(), escalation_id))


@bp.get("/processes/<key>/versions")
@token_required
def list_versions(key: str) -> Response:
    return jsonify({"versions": versions.list_versions(rt(), key, actor())})


@bp.get("/processes/<key>/diff")
@token_required
def diff_versions(key: str) -> Response:
    low, high = _int_arg("from", 0), _int_arg("to", 0)
    return jsonify(versions.diff_versions(rt(), key, low, high, actor()))


@bp.post("/processes/<key>/versions/<int:version>/make-current")
@token_required
def make_current(key: str, version: int) -> Response:
    return jsonify(versions.make_current(rt(), actor(), key, version))


@bp.post("/instances/<int:instance_id>/migrate")
@token_required
def migrate_instance(instance_id: int) -> Response:
    body = json_body()
    target = body.get("to_version")
    if target is not None and not isinstance(target, int):
        raise InvalidData("to_version ต้องเป็นตัวเลข / must be a whole number",
                          {"to_version": "whole number or null"})
    return jsonify(versions.migrate_instance(rt(), actor(), instance_id, target))


@bp.get("/processes/<key>/versions/<int:version>/diagram.svg")
@token_required
def version_diagram(key: str, version: int) -> Response:
    return diagrams.version_diagram(actor(), key, version)


# ---- the public website channel: no token, rate-limited in create_app -------------------

@bp.post("/public/complaints")
def file_complaint() -> tuple[Response, int]:
    # A retry with the same Idempotency-Key and body gets the first answer (200, no
    # secret) instead of a second complaint; see docs/ACCESS.md.
    key = request.headers.get("Idempotency-Key")
    receipt = public.submit_complaint(rt(), json_body(), idempotency_key=key)
    return jsonify(receipt), 200 if receipt["replayed"] else 201


@bp.get("/public/complaints/<code>")
def track_complaint(code: str) -> Response:
    return jsonify(public.track_complaint(rt(), code, request.args.get("secret", "")))


@bp.post("/public/complaints/<code>/attachments")
def add_evidence(code: str) -> tuple[Response, int]:
    upload = request.files.get("file")
    if upload is None:
        raise InvalidData("ส่งไฟล์ในช่อง file (multipart/form-data) / send the file as the "
                          "multipart field 'file'", {"file": "required"})
    stored = public.add_evidence(rt(), code, request.form.get("secret", ""),
                                 upload.filename or "", upload.mimetype or "", upload.read())
    return jsonify(stored), 201


# ---- the Director's log of personal-data reads ------------------------------------------

@bp.get("/privacy/reads")
@token_required
def privacy_reads() -> Response:
    # The role first: other roles get 403 whatever their filters say.
    privacy_log.require_reader(actor())
    filters = privacy_log.filters_from(request.args)
    return jsonify(privacy_log.list_reads(
        rt(), actor(), filters, limit=_int_arg("limit", privacy_log.PAGE_SIZE),
        offset=_int_arg("offset", 0)))
