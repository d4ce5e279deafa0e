"""The Flask web layer: an app factory and blueprints that call the engine's services.

Nothing here starts a scheduler or touches the workflow engine directly, so any
number of gunicorn workers can serve the same database.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFProtect

from engine.core.config import Settings
from engine.core.keys import session_secret
from engine.workflow.runtime import Runtime

#: Largest request body accepted; larger gets 413 before anything is parsed.
MAX_REQUEST_BYTES = 1024 * 1024

#: Nothing is loaded from anywhere but this app: no CDN, no web fonts, no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


#: Sent in production only: a development server on plain HTTP must stay reachable.
HSTS = "max-age=31536000; includeSubDomains"


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or Runtime(settings or Settings.from_env())
    runtime.office  # noqa: B018 — a broken office file is a start-up error, not a letter-time one
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=session_secret(runtime.settings),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=runtime.settings.is_production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=runtime.settings.is_production,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    json_provider = DefaultJSONProvider(app)
    json_provider.ensure_ascii = False  # Thai stays readable in API responses
    json_provider.sort_keys = False  # keep fields in the documented order
    app.json = json_provider
    app.extensions["govflow"] = runtime

    from webui import (
        auth,
        body_limit,
        errors,
        i18n,
        proxies,
        rate_limits,
        request_log,
        web,
    )
    from webui import registry as register_pages
    from webui.admin import health as health_pages
    from webui.admin import outbox as outbox_pages
    from webui.admin import users as admin
    from webui.api import instances as _instance_search  # noqa: F401 - adds its routes to api.bp
    from webui.api import routes as api
    from webui.owner import check_api, drafts_api
    from webui.owner import dry_run as _dry_run  # noqa: F401 - adds its routes to owner.bp
    from webui.owner import holidays as holiday_pages
    from webui.owner import processes as owner
    from webui.public import complaints as complaint_pages
    from webui.public import front_page
    from webui.public import information as information_pages
    from webui.staff import account, cases, inbox
    from webui.staff import escalations as escalation_pages
    from webui.staff import privacy as privacy_pages
    from webui.staff import publishing_evidence as evidence_pages
    from webui.staff import publishing_requests as request_pages
    from webui.staff import reports as report_pages
    from webui.staff import search as search_pages

    # Uploads may be larger than other requests: raise the limit for that one endpoint
    # before CSRF protection parses the body.
    app.before_request(cases.allow_large_upload)
    app.before_request(owner.allow_large_upload)
    app.before_request(drafts_api.allow_large_draft)
    app.before_request(check_api.allow_large_check)
    app.before_request(complaint_pages.allow_large_upload)

    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)  # bearer tokens, not cookies
    i18n.init(app)
    auth.init_login(app)
    account.init(app)
    web.init(app)

    app.register_blueprint(api.bp)
    app.register_blueprint(front_page.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(holiday_pages.bp)
    app.register_blueprint(outbox_pages.bp)
    app.register_blueprint(escalation_pages.bp)
    app.register_blueprint(owner.bp)
    app.register_blueprint(drafts_api.bp)
    app.register_blueprint(complaint_pages.bp)
    app.register_blueprint(report_pages.bp)
    app.register_blueprint(evidence_pages.bp)
    app.register_blueprint(privacy_pages.bp)
    app.register_blueprint(register_pages.bp)
    app.register_blueprint(information_pages.bp)
    app.register_blueprint(request_pages.bp)
    app.register_blueprint(health_pages.bp)
    app.register_blueprint(search_pages.bp)
    request_log.init(app)
    errors.register(app)

    rate_limits.init(app, runtime.settings)
    proxies.init(app, runtime.settings)
    # Outermost: a body over the largest upload is refused before anything reads it.
    app.wsgi_app = body_limit.BodyLimit(  # type: ignore[method-assign]
        app.wsgi_app, headers=_production_headers(runtime.settings))

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        for name, value in _production_headers(runtime.settings):
            response.headers.setdefault(name, value)
        return response

    return app


def _production_headers(settings: Settings) -> list[tuple[str, str]]:
    # HSTS: browsers then refuse plain HTTP to this site for a year, even a typed link.
    return [("Strict-Transport-Security", HSTS)] if settings.is_production else []
