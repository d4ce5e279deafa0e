"""Process owners' pages: processes, versions and uploads (blueprint ``owner``,
processes.py), a process's settings (settings.py, routes on the same blueprint), and the
working-day calendar (``holidays``)."""

# The settings page adds its routes to the owner blueprint when imported.
from webui.owner import settings as _settings  # noqa: F401
