"""Task pages, case pages, comments, attachments and the pages that start a case: one
blueprint, ``cases`` (blueprint.py), whose routes live in tasks.py, case.py and start.py;
parts.py draws what every case view shows."""

from webui.staff.cases import case, start, tasks  # noqa: F401 - importing adds their routes
from webui.staff.cases.blueprint import (
    ATTACHMENT_BODY_BYTES,
    START_BODY_BYTES,
    allow_large_upload,
    bp,
)

__all__ = ["ATTACHMENT_BODY_BYTES", "START_BODY_BYTES", "allow_large_upload", "bp"]
