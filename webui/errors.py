"""Errors as JSON under /api and as a Thai page elsewhere; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from engine.core import logs
from engine.core.errors import GovflowError, InvalidData
from webui import request_log
from webui.i18n import localize

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: "คำขอไม่ถูกต้อง / the request is malformed",
    401: "กรุณาเข้าสู่ระบบ / sign in or send a valid API token",
    403: "ท่านไม่มีสิทธิ์ / you do not have permission",
    404: "ไม่พบสิ่งที่ต้องการ / not found",
    405: "ใช้วิธีเรียกนี้ไม่ได้ / method not allowed",
    413: "ข้อมูลที่ส่งมีขนาดใหญ่เกินกำหนดของคำขอนี้ / the request body is larger than this "
         "endpoint accepts (1 MB of data; a file upload adds its file limit)",
    429: "ส่งคำขอบ่อยเกินไป กรุณารอสักครู่ / too many requests; wait a minute and try again",
    500: "ระบบขัดข้อง เจ้าหน้าที่ได้รับแจ้งแล้ว / something went wrong on our side",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _page_explanation(status: int) -> str:
    """What happened and what to do, for a person reading a page (Thai, or English)."""
    return {
        400: _("คำขอไม่ถูกต้อง กรุณากลับไปหน้าก่อนแล้วลองใหม่"),
        401: _("กรุณาเข้าสู่ระบบก่อนใช้งาน"),
        403: _("ท่านไม่มีสิทธิ์ใช้หน้านี้ หากเห็นว่าควรมีสิทธิ์ กรุณาติดต่อผู้ดูแลระบบ"),
        404: _("ไม่พบหน้าหรือเรื่องที่ต้องการ อาจถูกย้าย ดำเนินการเสร็จแล้ว หรือท่านไม่มีสิทธิ์เห็น"),
        410: _("รายการนี้ถูกถอนออกแล้ว จึงไม่แสดงอีกต่อไป"),
        405: _("ใช้วิธีเรียกนี้ไม่ได้ กรุณาใช้ปุ่มบนหน้าเว็บ"),
        409: _("มีผู้อื่นดำเนินการกับเรื่องนี้ไปก่อนแล้ว กรุณาเปิดหน้าใหม่เพื่อดูสถานะล่าสุด"),
        413: _("ไฟล์หรือข้อมูลที่ส่งมีขนาดใหญ่เกินกำหนด กรุณาลดขนาดแล้วลองใหม่"),
        422: _("กระบวนงานทำงานต่อไม่ได้ ไม่มีการบันทึกข้อมูลใด ๆ กรุณาแจ้งผู้ดูแลกระบวนงาน"),
        429: _("ส่งคำขอบ่อยเกินไป กรุณารอสักครู่แล้วลองใหม่"),
    }.get(status, _("ระบบขัดข้อง เจ้าหน้าที่ได้รับแจ้งแล้ว กรุณาลองใหม่ภายหลัง"))


def error_response(status: int, code: str, message: str, fields: dict[str, str] | None = None,
                   *, shown: bool = False) -> BaseResponse:
    """The answer to a failed request; ``shown`` puts the engine's message under a page's
    explanation (the API always carries it)."""
    if _wants_json():
        body: dict[str, object] = {"error": code, "message": message}
        if fields:
            body["fields"] = fields
        response = jsonify(body)
    elif status == 401:
        return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
    else:
        detail = localize(message) if shown else ""
        response = Response(
            render_template("error.html", status=status, explanation=_page_explanation(status),
                            detail=detail),
            mimetype="text/html",
        )
    response.status_code = status
    if status == 401 and _wants_json():
        response.headers["WWW-Authenticate"] = 'Bearer realm="govflow"'
    return response


def register(app: Flask) -> None:
    @app.errorhandler(GovflowError)
    def _govflow(error: GovflowError) -> BaseResponse:
        if error.status >= 500:
            # An installation or process-file error reaching a request is the operator's
            # to fix: logged like any failure; a page never shows its message.
            log.error("govflow_error", extra={**request_log.route_fields(),
                                              **logs.error_fields(error)})
        fields = error.fields if isinstance(error, InvalidData) else None
        return error_response(error.status, error.code, error.message, fields,
                              shown=error.shown)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> BaseResponse:
        if _wants_json():
            return error_response(400, "csrf_error", HTTP_MESSAGES[400])
        response = Response(
            render_template("error.html", status=400, explanation=_(
                "แบบฟอร์มหมดอายุหรือไม่ได้ส่งจากหน้าเว็บนี้ กรุณากลับไปหน้าก่อน "
                "โหลดหน้าใหม่ แล้วส่งอีกครั้ง"), detail=""),
            mimetype="text/html",
        )
        response.status_code = 400
        return response

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> BaseResponse:
        status = error.code or 500
        message = HTTP_MESSAGES.get(status, error.description or "")
        return error_response(status, error.name.lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> BaseResponse:
        # The type and the frames' file and line only, not log.exception: the exception's
        # text may quote form data, and any handler (not only govflow's) would print it.
        log.error("unhandled_error", extra={**request_log.route_fields(),
                                            **logs.error_fields(error)})
        return error_response(500, "internal_error", HTTP_MESSAGES[500])
