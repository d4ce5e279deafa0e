"""/healthz for load balancers and /metrics for the ICT staff's Prometheus.

``/healthz`` needs no sign-in and says only whether the database answers and the
scheduler beats. ``/metrics`` needs the API token of a user holding ``admin`` or
``ict_head`` (``Authorization: Bearer <token>``); it carries counts, never titles or
personal data.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from engine.core.errors import NotAuthenticated
from engine.services.admin import users
from engine.services.ops import health
from webui.web import rt

bp = Blueprint("health", __name__)

#: Roles whose API token may read /metrics.
METRICS_ROLES = frozenset({"admin", "ict_head"})


@bp.get("/healthz")
def healthz() -> Response:
    report, status = health.health(rt())
    response = jsonify(report)
    response.status_code = status
    return response


def _plain(status: int, message: str) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="govflow metrics"'
    return response


@bp.get("/metrics")
def metrics() -> Response:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _plain(401, "send 'Authorization: Bearer <token>' of an admin or ict_head user")
    try:
        actor = users.actor_for_token(rt(), token.strip())
    except NotAuthenticated:
        return _plain(401, "the API token is invalid or revoked")
    if not actor.has_any(METRICS_ROLES):
        return _plain(403, "metrics need the role admin or ict_head")
    response = Response(health.metrics(rt()), status=200)
    response.headers["Content-Type"] = health.CONTENT_TYPE
    return response
