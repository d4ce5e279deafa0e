"""/healthz for load balancers and /metrics for the ICT staff's Prometheus.

``/healthz`` needs no sign-in and says only whether the database answers and the
scheduler beats. ``/metrics`` needs the API token of a user holding ``admin`` or
``ict_head`` (``Authorization: Bearer <token>``); it carries counts, never titles or
personal data.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from engine.errors import NotAuthenticated
from engine.runtime import Runtime
from engine.services import health, users

bp = Blueprint("health", __name__)

#: Roles whose API token may read /metrics.
METRICS_ROLES = frozenset({"admin", "ict_head"})


def _rt() -> Runtime:
    return current_app.extensions["govflow"]


@bp.get("/healthz")
def healthz() -> Response:
    report, status = health.health(_rt())
    response = jsonify(report)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _plain(status: int, message: str) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="govflow metrics"'
    return response


@bp.get("/metrics")
def metrics() -> Response:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _plain(401, "send 'Authorization: Bearer <token>' of an admin or ict_head user")
    try:
        actor = users.actor_for_token(_rt(), token.strip())
    except NotAuthenticated:
        return _plain(401, "the API token is invalid or revoked")
    if not actor.has_any(METRICS_ROLES):
        return _plain(403, "metrics need the role admin or ict_head")
    response = Response(health.metrics(_rt()), status=200)
    response.headers["Content-Type"] = health.CONTENT_TYPE
    response.headers["Cache-Control"] = "no-store"
    return response
