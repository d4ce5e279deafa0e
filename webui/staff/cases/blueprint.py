"""The ``cases`` blueprint itself and the request sizes its upload routes accept."""

from __future__ import annotations

from flask import Blueprint, request

from engine.services.inbox import attachments, instances

bp = Blueprint("cases", __name__)

#: Uploads are allowed this much above the file limit for the rest of the form.
UPLOAD_OVERHEAD = 64 * 1024
#: The largest bodies of one file upload and of a start with its files (the scans).
ATTACHMENT_BODY_BYTES = attachments.MAX_BYTES + UPLOAD_OVERHEAD
START_BODY_BYTES = instances.MAX_START_FILES * attachments.MAX_BYTES + UPLOAD_OVERHEAD


def allow_large_upload() -> None:
    """Runs before CSRF parsing: only the upload endpoints may send a file-sized body."""
    if request.endpoint in ("cases.upload_attachment", "api.add_evidence"):
        request.max_content_length = ATTACHMENT_BODY_BYTES
    elif request.endpoint == "cases.start" and request.method == "POST":
        request.max_content_length = START_BODY_BYTES
