"""The Flask web layer: an app factory and blueprints that call the engine's services.

Nothing here starts a scheduler or touches the workflow engine directly, so any
number of gunicorn workers can serve the same database.
"""

from __future__ import annotations

from flask import Flask

from engine.config import Settings
from engine.keys import session_secret
from engine.runtime import Runtime

#: Largest request body accepted; larger gets 413 before anything is parsed.
MAX_REQUEST_BYTES = 1024 * 1024


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or Runtime(settings or Settings.from_env())
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=session_secret(runtime.settings),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=runtime.settings.is_production,
    )
    app.json.ensure_ascii = False  # Thai stays readable in API responses
    app.json.sort_keys = False  # keep fields in the documented order
    app.extensions["govflow"] = runtime

    from webui import api, errors, pages

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    errors.register(app)
    return app


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["govflow"]
