"""How the diagram looks: fonts, sizes, the stroke colour and the state colours."""

from __future__ import annotations

from engine.thai.label_wrap import FONT_SIZE

__all__ = ["BAND", "FONT_FAMILY", "FONT_SIZE", "LINE_HEIGHT", "MARGIN", "MIN_FONT_SIZE",
           "STATES", "STROKE", "STYLE"]

STATES = frozenset({"completed", "active", "overdue"})
FONT_FAMILY = '"Laksaman", "Garuda", "Loma", sans-serif'
MIN_FONT_SIZE = 9.0
LINE_HEIGHT = 1.25  # Thai marks stack above and below the base line
MARGIN = 20.0
BAND = 30.0  # the name band of pools and lanes, as bpmn-js draws it
STROKE = "#222"

STYLE = f"""
svg {{ font-family: {FONT_FAMILY}; }}
text {{ fill: #1a1a1a; }}
.state-completed .outline, .state-completed .line {{ stroke: #2e7d32; }}
.state-completed .outline {{ fill: #edf7ee; }}
.state-active .outline, .state-active .line {{ stroke: #1565c0; stroke-width: 4px; }}
.state-active .outline {{ fill: #e8f1fc; }}
.state-overdue .outline, .state-overdue .line {{
  stroke: #c62828; stroke-width: 4px; stroke-dasharray: 8 4; }}
.state-overdue .outline {{ fill: #fdecec; }}
.state-badge {{ fill: #fff; stroke: #2e7d32; stroke-width: 2px; }}
.state-check {{ fill: none; stroke: #2e7d32; stroke-width: 2.5px; }}
"""
