"""Rate limits for sign-in and the public complaint channel.

The limits and where their counters live are ``GOVFLOW_`` settings. With several
gunicorn workers the counters must be shared (``GOVFLOW_RATELIMIT_STORAGE_URI=redis://…``),
or each worker would allow the full limit on its own. A bad setting stops start-up with
the name of the setting to fix, instead of failing on the first request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from flask import Flask, request
from flask.typing import RouteCallable
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many
from limits.errors import ConfigurationError as LimitsConfigurationError
from limits.storage import storage_from_string

from engine.core.config import Settings
from engine.core.errors import ConfigurationError
from webui import auth
from webui.staff import account

#: The public endpoints that anyone may call without signing in: filing, tracking, evidence.
PUBLIC_API_ENDPOINTS = ("api.file_complaint", "api.track_complaint", "api.add_evidence")
#: The public pages whose POST files or looks up a complaint.
PUBLIC_PAGE_ENDPOINTS = ("public_pages.complaint", "public_pages.track")


def _checked_limit(setting: str, value: str) -> str:
    try:
        parse_many(value)
    except ValueError:
        raise ConfigurationError(
            f"ค่า GOVFLOW_{setting} ไม่ถูกต้อง: {value!r} — ใช้รูปแบบเช่น 10/minute หรือ 30/hour;100/day"
            f" / GOVFLOW_{setting} is not a rate limit: {value!r}; use e.g. 10/minute or"
            " 30/hour;100/day"
        ) from None
    return value


def _checked_storage(uri: str) -> str:
    try:
        storage_from_string(uri)
    except (LimitsConfigurationError, ValueError) as exc:
        raise ConfigurationError(
            f"ค่า GOVFLOW_RATELIMIT_STORAGE_URI ใช้ไม่ได้: {exc} — ใช้ memory:// หรือ"
            f" redis://host:6379 / GOVFLOW_RATELIMIT_STORAGE_URI cannot be used: {exc};"
            " use memory:// or redis://host:6379"
        ) from None
    return uri


def init(app: Flask, settings: Settings) -> Limiter:
    """Wrap the sign-in and public endpoints in their limits; other pages are not limited."""
    signin_limit = _checked_limit("SIGNIN_RATE_LIMIT", settings.signin_rate_limit)
    public_limit = _checked_limit("PUBLIC_RATE_LIMIT", settings.public_rate_limit)
    # If the shared store goes away, count in memory per worker instead of refusing
    # every sign-in: the office keeps working with a looser limit until it is back.
    limiter = Limiter(get_remote_address, app=app,
                      storage_uri=_checked_storage(settings.ratelimit_storage_uri),
                      in_memory_fallback_enabled=True)
    limited: set[str] = set()
    _wrap(app, limited, "auth.signin", limiter.limit(
        signin_limit, key_func=auth.signin_rate_key, methods=["POST"]))
    # Guessing the current password on the change page is guessing a sign-in.
    _wrap(app, limited, "account.change_password", limiter.limit(
        signin_limit, key_func=account.password_rate_key, methods=["POST"]))
    for endpoint in PUBLIC_API_ENDPOINTS:
        _wrap(app, limited, endpoint, limiter.limit(public_limit))
    for endpoint in PUBLIC_PAGE_ENDPOINTS:
        _wrap(app, limited, endpoint, limiter.limit(public_limit, methods=["POST"]))
    app.extensions["govflow_limited_endpoints"] = frozenset(limited)

    @limiter.request_filter
    def _not_limited() -> bool:
        # Only the endpoints wrapped above carry limits (there are no default or
        # application-wide ones): every other request skips the limiter's per-request
        # bookkeeping, which cost about as much as an API request's own queries.
        return request.endpoint not in limited

    return limiter


def _wrap(app: Flask, limited: set[str], endpoint: str,
          limit: Callable[[RouteCallable], object]) -> None:
    """Put ``endpoint``'s view under ``limit`` and note it in ``limited``. Flask-Limiter
    types the wrapped view as possibly async (it wraps either kind); every govflow view is
    synchronous, so the wrapped one is a route callable like the view it wraps."""
    app.view_functions[endpoint] = cast(RouteCallable, limit(app.view_functions[endpoint]))
    limited.add(endpoint)
