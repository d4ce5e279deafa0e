"""Every BPMN diagram govflow serves as SVG, one way: a deployed version's (the owner pages
and the API) and a case's with its steps marked (the case page).

The SVG is drawn from a process file's text, so no script may ever run in it, even when
it is opened directly rather than through an ``<img>``: one Content-Security-Policy for all.
"""

from __future__ import annotations

from flask import Response

from engine.bpmn.diagram.render import render_svg
from engine.bpmn.loading.safe_xml import read_xml
from engine.core.actors import Actor
from engine.services.admin import versions
from engine.services.inbox import instances
from webui.web import rt

#: Inline styles only (the drawing's own <style>); nothing loaded, nothing run.
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


def case_diagram(who: Actor, instance_id: int) -> Response:
    """A case's diagram, its steps marked completed, active or overdue."""
    return svg_response(instances.case_diagram(rt(), who, instance_id))
