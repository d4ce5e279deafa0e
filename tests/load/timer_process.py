"""A tiny process whose deadline is a start-form date-time, for timer benches and tests.

Its boundary timer fires when the case says (``due_at``), and its path throws an
escalation to the legal officers: so a scheduler has real timers to fire, seconds
after a case starts. ``bench/scheduler_bench.py`` and the load and crash tests use it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from engine.core.config import REPO_ROOT

BENCH_KEY = "bench"
BENCH_CODE = "late_test"
BENCH_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="defs_bench" targetNamespace="http://govflow.local/bpmn/bench">
  <bpmn:escalation id="esc_late_test" name="late test" escalationCode="late_test" />
  <bpmn:process id="bench" name="Scheduler lateness bench" isExecutable="true">
    <bpmn:laneSet id="laneset_bench">
      <bpmn:lane id="lane_officer" name="officer">
        <bpmn:flowNodeRef>start_bench</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>wait_task</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>due_timer</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>throw_late</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end_late</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end_done</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start_bench" name="start">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename"
                                  value="forms/start.schema.json" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:outgoing>flow_start_to_task</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="wait_task" name="wait">
      <bpmn:incoming>flow_start_to_task</bpmn:incoming>
      <bpmn:outgoing>flow_task_to_end</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="due_timer" name="due" cancelActivity="false"
                        attachedToRef="wait_task">
      <bpmn:outgoing>flow_timer_to_throw</bpmn:outgoing>
      <bpmn:timerEventDefinition id="due_timer_def">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">due_at</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:intermediateThrowEvent id="throw_late" name="late">
      <bpmn:incoming>flow_timer_to_throw</bpmn:incoming>
      <bpmn:outgoing>flow_throw_to_end</bpmn:outgoing>
      <bpmn:escalationEventDefinition id="throw_late_def" escalationRef="esc_late_test" />
    </bpmn:intermediateThrowEvent>
    <bpmn:endEvent id="end_late" name="escalated">
      <bpmn:incoming>flow_throw_to_end</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:endEvent id="end_done" name="done">
      <bpmn:incoming>flow_task_to_end</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_start_to_task" sourceRef="start_bench" targetRef="wait_task" />
    <bpmn:sequenceFlow id="flow_task_to_end" sourceRef="wait_task" targetRef="end_done" />
    <bpmn:sequenceFlow id="flow_timer_to_throw" sourceRef="due_timer" targetRef="throw_late" />
    <bpmn:sequenceFlow id="flow_throw_to_end" sourceRef="throw_late" targetRef="end_late" />
  </bpmn:process>
</bpmn:definitions>
"""
BENCH_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "bench start",
    "type": "object",
    "additionalProperties": False,
    "required": ["due_at"],
    "properties": {
        "due_at": {"type": "string", "title": "due at (ISO 8601 with offset)",
                   "format": "date-time",
                   "minLength": 1, "maxLength": 64},
    },
}
BENCH_TOML = f"""

[{BENCH_KEY}]
supervisors = ["legal_head"]
title_field = "due_at"

[{BENCH_KEY}.lanes]
lane_officer = {{ role = "legal_officer" }}

[{BENCH_KEY}.escalations]
{BENCH_CODE} = {{ level = 1, notify = "legal_officer" }}
"""


def processes_dir(tmp: Path) -> Path:
    """A copy of the repository's processes plus this process, its form and settings."""
    target = tmp / "processes"
    shutil.copytree(REPO_ROOT / "processes", target)
    (target / f"{BENCH_KEY}.bpmn").write_text(BENCH_BPMN, encoding="utf-8")
    (target / "forms" / "start.schema.json").write_text(json.dumps(BENCH_FORM, indent=2),
                                                         encoding="utf-8")
    with (target / "processes.toml").open("a", encoding="utf-8") as toml:
        toml.write(BENCH_TOML)
    return target
