"""Process owners' pages: processes, versions and uploads (blueprint ``owner``,
processes.py), a process's settings (settings.py), the process editor (editor.py), the form
editor, the forms API and the expression check (forms.py, forms_api.py, expression_api.py),
all with routes on the same blueprint, and the working-day calendar (``holidays``)."""

# These modules add their routes to the owner blueprint when imported.
from webui.owner import editor as _editor  # noqa: F401
from webui.owner import expression_api, forms, forms_api  # noqa: F401
from webui.owner import settings as _settings  # noqa: F401
