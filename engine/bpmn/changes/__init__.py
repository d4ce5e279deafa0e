"""What changes between two versions of a process, said in plain Thai and English.

``summarize(old, new)`` compares two versions (each its BPMN bytes and its bundle) and
gives one sentence per change a process owner would recognise: a step added, removed,
renamed or given to another role; a form's field added, removed, made required or marked
personal; a deadline, a condition, a setting, a lane's role, the supervisors or an
escalation changed. ``highlights`` turns the sentences into the colours of the two
diagrams. Nothing here reads the database: which running cases a change touches is the
caller's question (engine/services/admin/versions.py).
"""

from engine.bpmn.changes.change import Change, Kind
from engine.bpmn.changes.highlight import highlights
from engine.bpmn.changes.summary import VersionSide, summarize

__all__ = ["Change", "Kind", "VersionSide", "highlights", "summarize"]
