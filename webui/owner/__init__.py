"""Process owners' pages: processes, versions and uploads (blueprint ``owner``,
processes.py), a process's settings (settings.py) and the process editor (editor.py), both
with routes on the same blueprint, and the working-day calendar (``holidays``)."""

# The settings page and the editor add their routes to the owner blueprint when imported.
from webui.owner import editor as _editor  # noqa: F401
from webui.owner import settings as _settings  # noqa: F401
