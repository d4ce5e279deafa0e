"""Request bodies larger than govflow's largest upload are refused before they are read.

Flask checks each route's own limit (``request.max_content_length``), but only once a
view touches the body; waitress has ``max_request_body_size`` (set by ``govflow
serve``) and gunicorn has nothing. :class:`BodyLimit` wraps the app for every server: a
``Content-Length`` over the limit is answered 413 at once, without reading a byte, and a
body without one (chunked) is counted while it is read and refused past the limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from werkzeug.exceptions import RequestEntityTooLarge

from webui import MAX_REQUEST_BYTES
from webui.errors import HTTP_MESSAGES
from webui.owner.processes import UPLOAD_BODY_BYTES
from webui.public.complaints import complaint_body_bytes
from webui.staff.cases import ATTACHMENT_BODY_BYTES, START_BODY_BYTES

#: The largest body any route accepts (a complaint with five 10 MB files, or a start
#: with its scans, and the form around them); every other route accepts less.
LARGEST_BODY_BYTES = max(MAX_REQUEST_BYTES, ATTACHMENT_BODY_BYTES, START_BODY_BYTES,
                         UPLOAD_BODY_BYTES, complaint_body_bytes())

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_CHUNK = 64 * 1024


class BodyTooLarge(RequestEntityTooLarge):
    """Raised while reading past the limit; Flask answers it with its own 413 page."""


class BoundedInput:
    """``wsgi.input`` that refuses to hand over more than ``limit`` bytes in all."""

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream = stream
        self._left = limit

    def _counted(self, data: bytes) -> bytes:
        self._left -= len(data)
        if self._left < 0:
            raise BodyTooLarge()
        return data

    def _size(self, size: int | None) -> int:
        # One byte past what is left is enough to know the body is too large.
        room = self._left + 1
        return room if size is None or size < 0 else min(size, room)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(_CHUNK), b""))
        return self._counted(self._stream.read(self._size(size)))

    def readline(self, size: int | None = -1) -> bytes:
        return self._counted(self._stream.readline(self._size(size)))

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


def _content_length(environ: dict[str, Any]) -> int | None:
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    return int(raw) if raw.isdecimal() else None


def _refuse(environ: dict[str, Any], start_response: Callable[..., Any],
            headers: list[tuple[str, str]]) -> list[bytes]:
    message = HTTP_MESSAGES[413]
    if str(environ.get("PATH_INFO", "")).startswith("/api/"):
        body = json.dumps({"error": "request_entity_too_large", "message": message},
                          ensure_ascii=False).encode("utf-8")
        kind = "application/json"
    else:
        body, kind = message.encode("utf-8"), "text/plain; charset=utf-8"
    start_response("413 Request Entity Too Large", [
        ("Content-Type", kind), ("Content-Length", str(len(body))),
        ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store"), *headers,
    ])
    return [body]


class BodyLimit:
    """WSGI middleware: 413 for a body over ``limit`` bytes, declared or streamed;
    ``headers`` go on its own 413 too (the app's security headers, e.g. HSTS)."""

    def __init__(self, app: WSGIApp, limit: int = LARGEST_BODY_BYTES, *,
                 headers: list[tuple[str, str]] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.headers = headers or []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        length = _content_length(environ)
        if length is not None and length > self.limit:
            return _refuse(environ, start_response, self.headers)
        environ["wsgi.input"] = BoundedInput(environ["wsgi.input"], self.limit)
        try:
            return self.app(environ, start_response)
        except BodyTooLarge:
            # An app that is not Flask (or reads before Flask's handlers): answer here.
            return _refuse(environ, start_response, self.headers)
