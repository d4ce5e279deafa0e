"""Named process settings in processes.toml: parsed and checked, stored in the bundle, and
part of the version hash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.bpmn.bundle import ProcessBundle, version_hash
from engine.bpmn.definitions import check_file
from engine.bpmn.process_settings import ProcessSetting, named_settings, read_settings
from engine.core.errors import SettingsError

PROCESSES = Path(__file__).resolve().parents[2] / "processes"

TRIAGE = {"value": 3, "label_th": "ระยะเวลาพิจารณาเบื้องต้น", "label_en": "Triage period",
          "type": "working_days", "min": 1, "max": 30, "rule_th": "ข้อ 5.1: ภายใน 3 วันทำการ",
          "rule_en": "Clause 5.1: within 3 working days", "rule_max": 3}


def test_shipped_settings_read_in_declared_order() -> None:
    named = read_settings(PROCESSES)["complaint"].settings
    assert list(named) == ["triage_days", "follow_up_days"]
    assert named["triage_days"] == ProcessSetting(**TRIAGE)
    assert named["follow_up_days"].rule_max is None
    assert named["triage_days"].unit_th == "วันทำการ"
    assert read_settings(PROCESSES)["publishing"].settings == {}


def test_departure_from_the_rule() -> None:
    triage = ProcessSetting(**TRIAGE)
    assert not triage.departs_from_rule()
    assert not triage.departs_from_rule(2) and triage.departs_from_rule(4)
    no_bound = ProcessSetting(**{**TRIAGE, "rule_max": None})
    assert not no_bound.departs_from_rule(30)


@pytest.mark.parametrize(("change", "says"), [
    ({"value": 31}, "value must lie between min = 1 and max = 30"),
    ({"value": 0}, "ต้องอยู่ระหว่าง min = 1 ถึง max = 30"),
    ({"value": "3"}, "value must be a whole number"),
    ({"value": True}, "value must be a whole number"),
    ({"min": -1}, "min must be a whole number"),
    ({"rule_max": 2.5}, "rule_max must be a whole number"),
    ({"type": "hours"}, "unknown type 'hours'; types are working_days"),
    ({"label_th": ""}, "label_th must be a text"),
    ({"maxx": 3}, "unknown key maxx"),
    ({"min": 5, "max": 4}, "value must lie between"),
])
def test_a_bad_setting_says_what_to_fix(change: dict, says: str) -> None:
    with pytest.raises(SettingsError) as caught:
        named_settings("complaint", {"triage_days": {**TRIAGE, **change}})
    assert says in caught.value.message
    assert "[complaint.settings.triage_days]" in caught.value.message


def test_missing_keys_and_bad_names_are_named() -> None:
    partial = {k: v for k, v in TRIAGE.items() if k not in ("label_en", "rule_en")}
    with pytest.raises(SettingsError, match="label_en, rule_en missing"):
        named_settings("complaint", {"triage_days": partial})
    for name in ("triage-days", "class", "วันทำการ"):
        with pytest.raises(SettingsError, match="letters, digits and _"):
            named_settings("complaint", {name: TRIAGE})
    with pytest.raises(SettingsError, match="must be a table"):
        named_settings("complaint", {"triage_days": 3})
    # rule_max may be left out: the rule sets no bound.
    loose = {k: v for k, v in TRIAGE.items() if k != "rule_max"}
    assert named_settings("complaint", {"triage_days": loose})["triage_days"].rule_max is None


def _bundle(folder: Path) -> ProcessBundle:
    checked = check_file(folder / "complaint.bpmn", folder)
    assert checked.ok, [p.format("en") for p in checked.problems]
    return checked.processes["complaint"]


def test_settings_are_stored_in_the_bundle_and_its_hash(tmp_path: Path) -> None:
    shutil.copytree(PROCESSES, tmp_path, dirs_exist_ok=True)
    bundle = _bundle(tmp_path)
    stored = bundle.to_dict()
    assert stored["settings"]["triage_days"] == TRIAGE
    assert list(stored["settings"]) == ["triage_days", "follow_up_days"]
    assert ProcessBundle.from_dict(stored) == bundle
    assert bundle.setting_values() == {"triage_days": 3, "follow_up_days": 10}
    raw = (tmp_path / "complaint.bpmn").read_bytes()
    before = version_hash(raw, "complaint", bundle)
    toml = tmp_path / "processes.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "value = 3\n", "value = 5\n", 1), encoding="utf-8")
    changed = _bundle(tmp_path)
    assert changed.settings["triage_days"].value == 5
    assert version_hash(raw, "complaint", changed) != before


def test_old_bundles_without_settings_read_as_empty() -> None:
    bundle = ProcessBundle.from_dict({"name": "x", "forms": {}, "tasks": {}})
    assert bundle.settings == {} and "settings" not in bundle.to_dict()


def test_a_script_or_a_form_field_may_not_set_a_setting(tmp_path: Path) -> None:
    shutil.copytree(PROCESSES, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "complaint.bpmn"
    text = path.read_text(encoding="utf-8")
    script = ('<bpmn:scriptTask id="set_days" name="กำหนดวัน"><bpmn:script>triage_days = 9'
              '</bpmn:script></bpmn:scriptTask>\n    <bpmn:userTask id="triage"')
    path.write_text(text.replace('<bpmn:userTask id="triage"', script, 1), encoding="utf-8")
    checked = check_file(path, tmp_path)
    said = [p for p in checked.problems if p.element_id == "set_days"]
    assert said and "sets triage_days, which is a setting" in said[0].message
    assert "ซึ่งเป็นค่ากำหนดของกระบวนงาน" in said[0].message_th
