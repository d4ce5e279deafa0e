"""Every BPMN diagram govflow serves: as SVG files (a deployed version's for the owner
pages and the API, a case's with its steps marked) and drawn inside the case page.

The SVG is drawn from a process file's text, so no script may ever run in it, even when
it is opened directly rather than through an ``<img>``: one Content-Security-Policy for all.
Inside the case page it is the page's own markup (its names escaped by lxml; it holds no
script, no style and no link), under the page's policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response
from markupsafe import Markup

from engine.bpmn.diagram.render import CURRENT_ID, render_svg
from engine.bpmn.loading.safe_xml import read_xml
from engine.core.actors import Actor
from engine.core.errors import BpmnLoadError, DiagramError
from engine.services.admin import versions
from engine.services.inbox import instances
from engine.services.inbox.case_map import case_map
from webui.web import rt

#: Nothing loaded, nothing run. (Our drawings paint with attributes; the inline-style
#: allowance is what this policy has always carried.)
DIAGRAM_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def svg_response(svg: str) -> Response:
    return Response(svg, mimetype="image/svg+xml", headers={
        "Content-Security-Policy": DIAGRAM_CSP,
        "Cache-Control": "no-store",
    })


def version_diagram(who: Actor, key: str, version: int) -> Response:
    """A deployed version's diagram; `DiagramError` when the file has none to draw."""
    data = versions.version_bpmn(rt(), key, version, who)
    return svg_response(render_svg(read_xml(data, f"{key}-v{version}.bpmn")))


def _inline(data: bytes, name: str, changes: Mapping[str, str], prefix: str) -> Markup | None:
    try:
        svg = render_svg(read_xml(data, name), changes=changes, id_prefix=prefix)
    except (DiagramError, BpmnLoadError):
        return None  # the page says there is no drawing
    return Markup(svg)  # noqa: S704 — lxml's output: names escaped, no script, no style


def comparison(who: Actor, key: str, old_version: int, new_bpmn: bytes,
               highlight: Mapping[str, Mapping[str, str]], *,
               prefix: str = "") -> dict[str, Markup | None]:
    """The two drawings side by side, inline, for a page comparing ``old_version`` with
    ``new_bpmn`` (an upload, or another version's BPMN): each element a change names
    marked added, removed or changed. Their ids are prefixed, so both fit in one page."""
    old_bpmn = versions.version_bpmn(rt(), key, old_version, who)
    return {
        "old": _inline(old_bpmn, f"{key}-v{old_version}.bpmn", highlight.get("old", {}),
                       f"{prefix}old-"),
        "new": _inline(new_bpmn, f"{key}.bpmn", highlight.get("new", {}), f"{prefix}new-"),
    }


def case_diagram(who: Actor, instance_id: int) -> Response:
    """A case's diagram, its steps marked completed, active or overdue."""
    return svg_response(instances.case_diagram(rt(), who, instance_id))


def case_view(who: Actor, instance_id: int) -> dict[str, Any]:
    """For the case page: the diagram to draw inline (``svg``, markup lxml escaped), the
    steps as a list (``steps``) and whether a step is current (``current``)."""
    drawn = case_map(rt(), who, instance_id)
    return {"svg": Markup(drawn.svg), "steps": drawn.steps,  # noqa: S704 — lxml's output
            "current": f'id="{CURRENT_ID}"' in drawn.svg}
