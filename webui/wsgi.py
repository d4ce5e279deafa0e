"""WSGI entry point for production servers: ``gunicorn -w 4 'webui.wsgi:app'``."""

from engine.core import logs
from engine.core.errors import ConfigurationError
from webui import create_app

try:
    # JSON lines on the worker's stderr, beside gunicorn's own log (see README, Logs).
    logs.configure()
    app = create_app()
except ConfigurationError as exc:
    # A missing key, an office file or a log setting: say what to set, no traceback.
    raise SystemExit(f"govflow: {exc.message}") from None
