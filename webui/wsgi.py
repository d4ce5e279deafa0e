"""WSGI entry point for production servers: ``gunicorn -w 4 'webui.wsgi:app'``."""

from engine.keys import ConfigurationError
from webui import create_app

try:
    app = create_app()
except ConfigurationError as exc:
    # A missing key or office file: say what to set, without a traceback.
    raise SystemExit(f"govflow: {exc.message}") from None
