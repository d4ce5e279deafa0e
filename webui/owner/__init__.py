"""Process owners' pages: processes, versions and uploads (blueprint ``owner``,
processes.py), and the working-day calendar (``holidays``)."""

# The form editor, the forms API and the expression check add their routes to the owner
# blueprint (webui/owner/processes.py) when imported.
from webui.owner import expression_api, forms, forms_api  # noqa: E402, F401
