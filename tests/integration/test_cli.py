"""The ``govflow`` console script, run as a real process like `make run` does."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

GOVFLOW = str(Path(sys.executable).with_name("govflow"))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "GOVFLOW_INSTANCE_DIR": str(tmp_path / "instance"),
            "GOVFLOW_DATABASE_URL": "", "GOVFLOW_ENV": "development"}


def run(env, *args, stdin=None):
    return subprocess.run([GOVFLOW, *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=120)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_init_demo_users_and_serve(env, tmp_path):
    init = run(env, "init")
    assert init.returncode == 0, init.stderr
    assert "complaint" in init.stdout and "publishing" in init.stdout
    assert run(env, "init").returncode == 0  # idempotent: nothing new to deploy
    demo = run(env, "demo")
    assert demo.returncode == 0, demo.stderr
    tokens = {line.split()[0]: line.split("token: ")[1]
              for line in demo.stdout.splitlines() if "token: " in line}
    assert {"admin", "director", "legal_officer", "legal_head", "web_admin", "ict_head",
            "staff", "process_owner"} <= set(tokens)
    added = run(env, "user", "add", "somsri", "--role", "staff", "--role", "web_admin",
                "--unit", "PLAN", "--password-stdin", stdin="a-long-password\n")
    assert added.returncode == 0, added.stderr
    duplicate = run(env, "user", "add", "somsri", "--role", "staff", "--unit", "PLAN")
    assert duplicate.returncode != 0 and "somsri" in duplicate.stderr
    assert "Traceback" not in duplicate.stderr
    token = run(env, "user", "token", "somsri")
    assert token.returncode == 0 and token.stdout.startswith("gft_")
    assert run(env, "user", "token", "nobody").returncode != 0

    port = free_port()
    server = subprocess.Popen([GOVFLOW, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        body = None
        for _ in range(100):
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/processes",
                    headers={"Authorization": f"Bearer {tokens['staff']}"})
                with urllib.request.urlopen(request, timeout=2) as response:
                    body = json.load(response)
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None, "server did not answer"
        assert {p["key"] for p in body["processes"]} == {"publishing", "complaint"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            page = response.read().decode("utf-8")
        assert "เผยแพร่ข้อมูล" in page and "complaint" in page
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_production_refuses_to_start_without_keys(env):
    env = {**env, "GOVFLOW_ENV": "production", "GOVFLOW_DATA_KEY": "", "GOVFLOW_SECRET_KEY": "",
           "GOVFLOW_PASSWORD_PROFILE": ""}
    result = run(env, "init")
    assert result.returncode != 0
    assert "GOVFLOW_DATA_KEY" in result.stderr and "Traceback" not in result.stderr


def test_a_broken_office_file_stops_serve_and_the_scheduler_with_what_to_fix(env, tmp_path):
    office = tmp_path / "office.toml"
    office.write_text('[office]\nname = "สพป.ทดสอบ"\n', encoding="utf-8")
    for args in (["serve", "--port", str(free_port())], ["tick"]):
        result = run({**env, "GOVFLOW_OFFICE_FILE": str(office)}, *args)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert "address" in result.stderr and "logo" in result.stderr  # the missing keys
        assert str(office) in result.stderr


def test_help_texts(env):
    for args in ([], ["validate"], ["user", "add"], ["serve"]):
        result = run(env, *args, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout


def test_holidays_list_names_what_the_calendar_cannot_know(env):
    assert run(env, "init").returncode == 0
    listed = run(env, "holidays", "list", "--year", "2570")
    assert listed.returncode == 0, listed.stderr
    out = listed.stdout
    # Royal Ploughing Day 2570 (May 2027) is not in the holidays package: named as missing.
    assert "ยังไม่ทราบวันที่" in out and "! วันพืชมงคล (Royal Ploughing Ceremony Day)" in out
    assert "govflow holidays dismiss --year 2570 --day royal_ploughing" in out
    assert "วันหยุดพิเศษตามมติคณะรัฐมนตรีอาจประกาศเพิ่มระหว่างปี" in out
    assert ("วันเสาร์ที่ 5 ธันวาคม พ.ศ. 2569  วันคล้ายวันพระบรมราชสมภพ พระบาทสมเด็จพระบรมชนกาธิเบศร "
            "มหาภูมิพลอดุลยเดชมหาราช บรมนาถบพิตร วันชาติ และวันพ่อแห่งชาติ") in out
    assert "วันเด็ก" not in out and "9 มกราคม" not in out  # not a government holiday
    # 2569's is in the package (13 May 2569): nothing to warn about.
    assert "! วันพืชมงคล" not in run(env, "holidays", "list", "--year", "2569").stdout

    added = run(env, "holidays", "add", "2027-05-10", "วันพืชมงคล", "--ref",
                "ประกาศสำนักพระราชวัง")
    assert added.returncode == 0, added.stderr
    assert "นับเป็นวันพืชมงคลของปีงบประมาณนี้" in added.stdout
    out = run(env, "holidays", "list", "--year", "2570").stdout
    assert "! วันพืชมงคล" not in out and "ยังไม่ทราบวันที่" not in out
    assert ("วันจันทร์ที่ 10 พฤษภาคม พ.ศ. 2570  วันพืชมงคล [เพิ่มโดยผู้ดูแล] "
            "(ประกาศสำนักพระราชวัง)") in out

    no_reason = run(env, "holidays", "dismiss", "--year", "2571", "--day", "royal_ploughing",
                    "--reason", " ")
    assert no_reason.returncode != 0 and "reason" in no_reason.stderr
    assert "Traceback" not in no_reason.stderr
    dismissed = run(env, "holidays", "dismiss", "--year", "2571", "--day", "royal_ploughing",
                    "--reason", "สำนักงานเปิดทำการ")
    assert dismissed.returncode == 0, dismissed.stderr
    out = run(env, "holidays", "list", "--year", "2571").stdout
    assert "! วันพืชมงคล" not in out
    assert "วันพืชมงคล: ปิดการเตือนแล้ว / dismissed by cli" in out and "สำนักงานเปิดทำการ" in out
    again = run(env, "holidays", "dismiss", "--year", "2571", "--day", "royal_ploughing",
                "--reason", "ซ้ำ")
    assert again.returncode != 0 and "Traceback" not in again.stderr
