"""What govflow believes about where a request came from.

Absolute links are built from ``GOVFLOW_PUBLIC_URL`` (``web.public_url_for``), never from
the Host header. ``X-Forwarded-For``/``-Proto``/``-Host`` are believed only from as many
reverse proxies as ``GOVFLOW_TRUSTED_PROXIES`` says (default 0: none), so a client cannot
choose the address the rate limiter counts it under; behind nginx set it to 1 and the
limiter sees the real client instead of the proxy.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.core.config import Settings
from engine.core.errors import ConfigurationError

#: More proxy hops than any office runs; a larger number is a typo.
MAX_HOPS = 5


def trusted_hops(value: str | int) -> int:
    """``GOVFLOW_TRUSTED_PROXIES`` as a number of hops, or a start-up error naming it."""
    text = str(value).strip()
    if not text.isdecimal() or int(text) > MAX_HOPS:
        raise ConfigurationError(
            f"ค่า GOVFLOW_TRUSTED_PROXIES ไม่ถูกต้อง: {text!r} — ใส่จำนวนพร็อกซีที่อยู่หน้า govflow"
            f" 0 ถึง {MAX_HOPS} (0 = ไม่เชื่อ X-Forwarded-*) / GOVFLOW_TRUSTED_PROXIES is not a"
            f" number of proxies: {text!r}; use 0 to {MAX_HOPS} (0 trusts no X-Forwarded-*"
            " header)")
    return int(text)


def checked_public_url(value: str) -> str:
    """``GOVFLOW_PUBLIC_URL`` must be an absolute http(s) address: links are built on it."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ConfigurationError(
            f"ค่า GOVFLOW_PUBLIC_URL ไม่ถูกต้อง: {value!r} — ใช้ที่อยู่เต็ม เช่น"
            f" https://govflow.example.go.th / GOVFLOW_PUBLIC_URL is not an absolute address:"
            f" {value!r}; use e.g. https://govflow.example.go.th")
    return value


def own_location_relative(response: Response) -> Response:
    """Werkzeug's own redirects (``/admin`` → ``/admin/``) name the request's Host:
    point them at the path instead, which the browser resolves against the real site."""
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        if parts.netloc and parts.netloc == request.host:
            path = "/" + parts.path.lstrip("/")  # never '//host', a link to elsewhere
            response.headers["Location"] = urlunsplit(("", "", path, parts.query,
                                                       parts.fragment))
    return response


def init(app: Flask, settings: Settings) -> None:
    checked_public_url(settings.public_url)
    app.after_request(own_location_relative)
    hops = trusted_hops(settings.trusted_proxies)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
