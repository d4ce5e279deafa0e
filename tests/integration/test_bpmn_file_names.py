"""A BPMN file with a Thai name and Thai names inside loads under the C locale, in a Python
process of its own (the locale is fixed when the interpreter starts)."""

import json
import os
import subprocess
import sys

from engine.core.config import REPO_ROOT
from tests.bpmn_samples import bpmn

THAI = bpmn("""\
<bpmn:process id="complaint" name="รับเรื่องร้องเรียนการทุจริต" isExecutable="true">
  <bpmn:laneSet id="ls"><bpmn:lane id="lane1" name="ฝ่ายนิติการ">
    <bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>u</bpmn:flowNodeRef>
  </bpmn:lane></bpmn:laneSet>
  <bpmn:startEvent id="s"/>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="u"/>
  <bpmn:userTask id="u" name="ตรวจสอบคำร้อง"/>
  <bpmn:sequenceFlow id="f2" sourceRef="u" targetRef="e"/>
  <bpmn:endEvent id="e"/>
</bpmn:process>
""")

LOAD_AND_PRINT = """
import json, sys
from pathlib import Path
from engine.bpmn.loading.load import load_bpmn_file
loaded = load_bpmn_file(Path(sys.argv[1]))
info = loaded.processes["complaint"]
print(json.dumps({
    "file": loaded.file,
    "name": info.name,
    "lane": info.lanes["lane1"],
    "task": info.user_tasks["u"].name,
    "spec_task": loaded.specs["complaint"].task_specs["u"].bpmn_name,
}))
"""


def test_thai_names_load_under_c_locale(tmp_path):
    path = tmp_path / "ร้องเรียน.bpmn"
    path.write_bytes(THAI)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHON"))}
    # Turn off UTF-8 mode and locale coercion so the locale encoding really is ASCII.
    env.update(LANG="C", LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    result = subprocess.run(
        [sys.executable, "-c", LOAD_AND_PRINT, os.fsencode(path)],
        cwd=REPO_ROOT, env=env, capture_output=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    out = json.loads(result.stdout)  # json escapes non-ASCII, so stdout encoding is moot
    assert out == {
        "file": "ร้องเรียน.bpmn",
        "name": "รับเรื่องร้องเรียนการทุจริต",
        "lane": "ฝ่ายนิติการ",
        "task": "ตรวจสอบคำร้อง",
        "spec_task": "ตรวจสอบคำร้อง",
    }
