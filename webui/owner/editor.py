"""The process editor page (roles ``process_owner`` and ``admin``): bpmn-js in the browser.

The page carries its context as JSON (no inline script): the process, the CSRF token,
lanes and roles, settings, and the URLs of the APIs the editor calls. The drafts, check
and forms APIs live in their own modules; the page names each URL only when that API is
there, so the editor says what it cannot do yet rather than failing on a 404.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, render_template, url_for
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from engine.core.roles import ROLES
from engine.services.admin import editing
from webui.i18n import current_language
from webui.owner.processes import bp, owner_required
from webui.web import ROLE_NAMES_EN, actor, rt


def _route_exists(path: str, method: str) -> bool:
    """Whether the app answers ``method path`` (the APIs other modules add)."""
    try:
        current_app.url_map.bind("").match(path, method=method)
    except HTTPException:
        return False
    return True


def _api_url(path: str, method: str) -> str | None:
    return path if _route_exists(path, method) else None


def _roles() -> list[dict[str, str]]:
    return [{"role": role, "name_th": name, "name_en": ROLE_NAMES_EN.get(role, role)}
            for role, name in ROLES.items()]


def editor_context(key: str, opened: dict[str, Any]) -> dict[str, Any]:
    """What the editor's script reads from the page."""
    api = f"/owner/api/processes/{key}"
    return {
        "key": key,
        "name": opened["name"],
        "version": opened["version"],
        "file_name": opened["file_name"],
        "lang": current_language(),
        "csrf": generate_csrf(),
        "lanes": opened["lanes"],
        "roles": _roles(),
        "settings": opened["settings"],
        "urls": {
            "draft": _api_url(f"{api}/draft", "GET"),
            "presence": _api_url(f"{api}/presence", "POST"),
            "check": _api_url(f"{api}/check", "POST"),
            "forms": _api_url("/owner/api/forms", "GET"),
            "expressionCheck": _api_url("/owner/api/expressions/check", "POST"),
            "formsPage": _api_url("/owner/forms", "GET"),
            "deploy": f"/owner/processes/{key}/draft/deploy",
            "current": url_for("owner.editor_current", key=key),
            "versions": url_for("owner.version_list", key=key),
        },
    }


@bp.get("/processes/<key>/edit")
@owner_required
def editor(key: str) -> tuple[str, int]:
    opened = editing.editing_context(rt(), actor(), key)
    context = editor_context(key, opened)
    return render_template(
        "owner/editor.html", key=key, name=opened["name"], version=opened["version"],
        context=context,
        can_deploy=_route_exists(context["urls"]["deploy"], "POST"),
    ), 200


@bp.get("/processes/<key>/edit/current")
@owner_required
def editor_current(key: str) -> BaseResponse:
    """The current version in the drafts API's shape (contract 3, without a draft): what
    the editor opens where that API is not there."""
    opened = editing.editing_context(rt(), actor(), key)
    return jsonify({
        "bpmn": opened["bpmn"], "revision": None, "base_version": opened["version"],
        "saved_by": None, "saved_at": None, "from_draft": False, "editors": [],
    })
