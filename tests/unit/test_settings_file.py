"""processes.toml written back by the settings page and the editor: the values change,
the owners' comments and layout stay, and a refused change writes nothing."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from engine.bpmn.process_settings import read_settings
from engine.bpmn.settings_file import write_lane_roles, write_setting_values
from engine.core.errors import SettingsError

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(PROCESSES / "processes.toml", tmp_path / "processes.toml")
    return tmp_path


def changed_lines(old: str, new: str) -> list[str]:
    return [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_a_value_changes_and_nothing_else(folder: Path) -> None:
    old = write_setting_values(folder, "complaint", {"triage_days": 5})
    new = (folder / "processes.toml").read_text(encoding="utf-8")
    assert old == (PROCESSES / "processes.toml").read_text(encoding="utf-8")
    assert changed_lines(old, new) == ["-value = 3", "+value = 5"]
    assert "# ผู้ดูแลกระบวนงานแก้ไขไฟล์นี้ได้ / Process owners edit this file:" in new
    assert read_settings(folder)["complaint"].settings["triage_days"].value == 5
    write_setting_values(folder, "complaint", {"triage_days": 3, "follow_up_days": 15})
    named = read_settings(folder)["complaint"].settings
    assert (named["triage_days"].value, named["follow_up_days"].value) == (3, 15)


@pytest.mark.parametrize(("key", "values", "says"), [
    ("complaint", {"triage_days": 31}, "between min = 1 and max = 30"),
    ("complaint", {"triage_days": 0}, "between min = 1 and max = 30"),
    ("complaint", {"unknown_days": 2}, "no setting unknown_days under [complaint.settings]"),
    ("publishing", {"triage_days": 2}, "no table [publishing.settings]"),
    ("nothing", {"triage_days": 2}, "no table [nothing]"),
])
def test_a_refused_value_writes_nothing(folder: Path, key: str, values: dict,
                                        says: str) -> None:
    before = (folder / "processes.toml").read_bytes()
    with pytest.raises(SettingsError) as caught:
        write_setting_values(folder, key, values)
    assert says in caught.value.message
    assert (folder / "processes.toml").read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["processes.toml"]  # no temporary left


def test_lane_roles_keep_their_other_keys_and_comments(folder: Path) -> None:
    old = write_lane_roles(folder, "publishing", {"lane_owner": "legal_officer",
                                                  "lane_director": "legal_head"})
    new = (folder / "processes.toml").read_text(encoding="utf-8")
    assert changed_lines(old, new) == [
        '-lane_owner = { role = "staff", requester_unit_only = true }   # หน่วยงานเจ้าของข้อมูล',
        '-lane_director = { role = "director" }                          # ผู้อำนวยการ สพป.',
        '+lane_owner = { role = "legal_officer", requester_unit_only = true }   '
        '# หน่วยงานเจ้าของข้อมูล',
        '+lane_director = { role = "legal_head" }                          # ผู้อำนวยการ สพป.',
    ]
    lanes = read_settings(folder)["publishing"].lanes
    assert lanes["lane_owner"].requester_unit_only and lanes["lane_owner"].role == "legal_officer"


def test_a_new_lane_goes_with_its_process(folder: Path) -> None:
    write_lane_roles(folder, "complaint", {"lane_reviewer": "legal_head"})
    text = (folder / "processes.toml").read_text(encoding="utf-8")
    lanes_at = text.index("[complaint.lanes]")
    assert lanes_at < text.index('lane_reviewer = {role = "legal_head"}') < text.index(
        "# การแจ้งเตือนและยกระดับ")
    assert read_settings(folder)["complaint"].lanes["lane_reviewer"].role == "legal_head"


def test_an_unknown_role_writes_nothing(folder: Path) -> None:
    before = (folder / "processes.toml").read_bytes()
    with pytest.raises(SettingsError, match="unknown role 'king'"):
        write_lane_roles(folder, "complaint", {"lane_director": "king"})
    assert (folder / "processes.toml").read_bytes() == before
