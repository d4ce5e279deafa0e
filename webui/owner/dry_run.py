"""The dry-run page: a test case walked through a process's draft (or its current version)
in memory, the owner choosing each decision. Nothing is saved and no mail is sent.

The page keeps no state on the server: each choice button posts the flows chosen so far
with the new one, and the engine replays the walk from the start.
"""

from __future__ import annotations

from flask import render_template, request

from engine.core.errors import InvalidData
from engine.services.admin import drafts, dry_run
from webui.owner.processes import bp, owner_required
from webui.web import actor, failure, rt


def _page(key: str, source: str | None, path: list[str]) -> tuple[str, int]:
    try:
        walk = dry_run.dry_run(rt(), actor(), key, path, source)
    except InvalidData as error:
        message, _fields = failure(error)
        return render_template("owner/dry_run.html", key=key, walk=None, message=message,
                               has_draft=drafts.has_draft(rt(), key), source=source), 400
    return render_template("owner/dry_run.html", key=key, walk=walk, message="",
                           has_draft=drafts.has_draft(rt(), key), source=walk["source"]), 200


@bp.get("/processes/<key>/dry-run")
@owner_required
def dry_run_page(key: str) -> tuple[str, int]:
    return _page(key, request.args.get("source") or None, [])


@bp.post("/processes/<key>/dry-run")
@owner_required
def dry_run_step(key: str) -> tuple[str, int]:
    """The walk along the flows chosen so far and the one just chosen."""
    path = [flow for flow in request.form.getlist("path") if flow]
    choice = (request.form.get("choice") or "").strip()
    return _page(key, request.form.get("source") or None, [*path, choice] if choice else path)
