"""Changes a process owner makes to the shipped complaint.bpmn, for the versioning tests
(tests/integration/test_versions.py, tests/web/test_web_owner.py and the pages after it).

The time limits themselves (triage_days) are settings in processes.toml, changed by
engine.bpmn.settings_file; these change the diagram.
"""

from __future__ import annotations

from pathlib import Path

#: The triage deadline's timer as shipped, and two working days later (3 + 2 = 5).
DEADLINE = "deadline_after(received_at, triage_days)<"
LATER_DEADLINE = "deadline_after(received_at, triage_days + 2)<"


def five_days(folder: Path) -> bytes:
    """complaint.bpmn with the triage deadline at five working days after receipt."""
    text = (folder / "complaint.bpmn").read_text(encoding="utf-8")
    assert text.count(DEADLINE) == 1
    return text.replace(DEADLINE, LATER_DEADLINE).encode("utf-8")


def renamed_start(folder: Path) -> bytes:
    """complaint.bpmn with its start event, a step every running case has passed, renamed."""
    text = (folder / "complaint.bpmn").read_text(encoding="utf-8")
    old = 'name="รับเรื่องร้องเรียน">'
    assert text.count(old) == 1
    return text.replace(old, 'name="รับเรื่องร้องเรียนการทุจริต">').encode("utf-8")
