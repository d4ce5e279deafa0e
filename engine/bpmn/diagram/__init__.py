"""Draw a BPMN file's diagram (its BPMNDI) as one standalone SVG document.

The SVG is built with lxml elements only, so names typed by process owners are
escaped by the serializer and can never become markup.  It refers to nothing
outside itself (no web fonts, no images, no links): it is served to browsers
and embedded in pages, and must look the same offline.

Each BPMN element drawn is a `<g data-element-id="...">` so that pages can find
it and colour it by instance state; `render.render_svg(state=...)` does that
server-side.  Thai names are wrapped by engine.thai.label_wrap.
"""
