"""WSGI entry point for production servers: ``gunicorn -w 4 'webui.wsgi:app'``."""

from webui import create_app

app = create_app()
