"""Errors as JSON under /api and as a Thai page elsewhere; never a traceback."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from engine.errors import (
    Conflict,
    Forbidden,
    GovflowError,
    InvalidData,
    NotAuthenticated,
    NotFound,
)

log = logging.getLogger(__name__)

STATUS = {InvalidData: 400, NotAuthenticated: 401, Forbidden: 403, NotFound: 404, Conflict: 409}

HTTP_MESSAGES = {
    400: "คำขอไม่ถูกต้อง / the request is malformed",
    401: "กรุณาเข้าสู่ระบบ / sign in or send a valid API token",
    403: "ท่านไม่มีสิทธิ์ / you do not have permission",
    404: "ไม่พบสิ่งที่ต้องการ / not found",
    405: "ใช้วิธีเรียกนี้ไม่ได้ / method not allowed",
    413: "ข้อมูลที่ส่งมีขนาดใหญ่เกินไป (สูงสุด 1 MB) / the request body is too large (1 MB max)",
    500: "ระบบขัดข้อง เจ้าหน้าที่ได้รับแจ้งแล้ว / something went wrong on our side",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, fields: dict | None = None) -> Response:
    if _wants_json():
        body = {"error": code, "message": message}
        if fields:
            body["fields"] = fields
        response = jsonify(body)
    else:
        response = Response(
            render_template("error.html", status=status, message=message), mimetype="text/html"
        )
    response.status_code = status
    if status == 401 and _wants_json():
        response.headers["WWW-Authenticate"] = 'Bearer realm="govflow"'
    return response


def _status_of(error: GovflowError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 422 if error.code in ("process_error", "definition_error") else 500


def register(app: Flask) -> None:
    @app.errorhandler(GovflowError)
    def _govflow(error: GovflowError) -> Response:
        fields = error.fields if isinstance(error, InvalidData) else None
        return error_response(_status_of(error), error.code, error.message, fields)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        status = error.code or 500
        message = HTTP_MESSAGES.get(status, error.description or "")
        return error_response(status, error.name.lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # Log the type and the frames only: the exception's text may quote form data.
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("unhandled %s at %s %s\n%s", type(error).__name__, request.method,
                  request.path, frames)
        return error_response(500, "internal_error", HTTP_MESSAGES[500])
