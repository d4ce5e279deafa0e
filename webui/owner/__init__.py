"""Process owners' pages: processes, versions and uploads (blueprint ``owner``,
processes.py), the process editor (editor.py, on the same blueprint), and the
working-day calendar (``holidays``)."""

from webui.owner import editor as _editor  # noqa: F401 - adds the editor's routes to owner.bp
