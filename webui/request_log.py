"""One ``http_request`` log line per request, with nothing a citizen typed in it.

The line names the route *rule* (``/cases/<int:instance_id>``) and endpoint, never the
raw path or query string: public URLs carry tracking codes (``/track?code=…``) and the
API takes ``?secret=``. The user is their numeric id, never their name. A request id
ties the line to the error log and to the proxy's log: a safe ``X-Request-ID`` from the
proxy is kept, anything else is replaced, and the id is echoed in the response.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

log = logging.getLogger(__name__)

HEADER = "X-Request-ID"
#: What a proxy's id looks like (nginx's $request_id, a UUID, a ULID). Anything else —
#: newlines that would forge log lines, kilobytes of text, a form value — is replaced.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def request_id() -> str:
    """This request's id (made on first use, so an error handler always has one)."""
    rid = g.get("request_id")
    if rid is None:
        offered = request.headers.get(HEADER, "")
        rid = offered if SAFE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        g.request_id = rid
    return rid


def _user_id() -> int | None:
    """The signed-in user's or API token's id, if this request already loaded one: a
    public page is not made to query the user table just for its log line."""
    actor = g.get("actor")  # an API token (webui/api.py)
    if actor is not None:
        return actor.id
    user = g.get("_login_user")  # Flask-Login's user, once something asked for it
    if user is not None and getattr(user, "is_authenticated", False):
        return user.actor.id
    return None


def route_fields() -> dict[str, object]:
    """Which request this is, for any log line about it: its id, method, route rule and
    endpoint (never the path: public paths carry tracking codes)."""
    rule = request.url_rule
    return {"request_id": request_id(), "method": request.method,
            "rule": rule.rule if rule is not None else None, "endpoint": request.endpoint}


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    log.info("http_request", extra={
        **route_fields(),
        "status": response.status_code,
        "duration_ms": (round((time.perf_counter() - started) * 1000, 3)
                        if started is not None else None),
        "user_id": _user_id(),
    })
    response.headers[HEADER] = request_id()
    return response


def init(app: Flask) -> None:
    # First of the before-request functions, so the duration covers the others (CSRF,
    # upload limits) and a request they turn away still gets its id and its line.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
