"""The first minutes with govflow: `make run` twice, and the demo logins it prints.

A second `make run` beside a running one used to reset every demo password and then die
in waitress with a traceback. Now the port is checked first (one line, exit 1) and the
demo keeps the users it made, unless `govflow demo --reset`.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.core.config import Settings
from engine.core.errors import NotAuthenticated
from engine.services.admin import users
from engine.workflow.runtime import Runtime
from tests.integration.test_cli import env, run  # noqa: F401 — `env` is a fixture

REPO = Path(__file__).resolve().parents[2]
LOGIN = re.compile(r"^  (\w+) +(\S+) +\S+ +\S+ +token: (gft_\S+)$")


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something else listens on, as a first `make run` does."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


@pytest.mark.parametrize("check_only", [False, True])
def test_serve_on_a_busy_port_says_so_in_one_line(env, busy_port, check_only):  # noqa: F811
    args = ["serve", "--no-scheduler", "--port", str(busy_port)]
    done = run(env, *args, *(["--check-port"] if check_only else []))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert f"พอร์ต {busy_port} ที่ 127.0.0.1 มีโปรแกรมอื่นใช้อยู่" in line
    assert f"port {busy_port} on 127.0.0.1 is already in use" in line
    assert "make run PORT=8001" in line and "govflow serve --port 8001" in line


def test_check_port_on_a_free_port_passes_and_touches_nothing(env, tmp_path):  # noqa: F811
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run(env, "serve", "--check-port", "--port", str(port))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"พอร์ต {port} ว่าง / port {port} is free"
    assert not (tmp_path / "instance").exists()  # no database made, nothing served


def test_make_run_checks_the_port_before_init_and_demo():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    commands = [line.strip().lstrip("@") for line in recipe]
    assert [c.split()[1] for c in commands] == ["serve", "init", "demo", "serve"]
    assert "--check-port" in commands[0] and "--port $(PORT)" in commands[0]


def _logins(stdout: str) -> dict[str, tuple[str, str]]:
    return {m[1]: (m[2], m[3]) for line in stdout.splitlines() if (m := LOGIN.match(line))}


def _runtime(environ: dict[str, str]) -> Runtime:
    return Runtime(Settings(instance_dir=Path(environ["GOVFLOW_INSTANCE_DIR"])))


def test_demo_keeps_its_users_and_passwords_until_reset(env):  # noqa: F811
    assert run(env, "init").returncode == 0
    first = run(env, "demo")
    assert first.returncode == 0, first.stderr
    logins = _logins(first.stdout)
    assert {"admin", "staff", "legal_officer", "process_owner"} <= set(logins)

    again = run(env, "demo")
    assert again.returncode == 0, again.stderr
    assert _logins(again.stdout) == {}  # nothing new to print
    assert f"ผู้ใช้สาธิต {len(logins)} คนมีอยู่แล้ว ยังใช้รหัสผ่านและโทเค็นเดิม" in again.stdout
    assert f"{len(logins)} demo users already exist and keep their passwords" in again.stdout
    assert "govflow demo --reset" in again.stdout
    rt = _runtime(env)
    try:
        for username, (password, token) in logins.items():
            assert users.authenticate(rt, username, password).username == username
            assert users.actor_for_token(rt, token).username == username
    finally:
        rt.close()

    reset = run(env, "demo", "--reset")
    assert reset.returncode == 0, reset.stderr
    fresh = _logins(reset.stdout)
    assert set(fresh) == set(logins) and "มีอยู่แล้ว" not in reset.stdout
    rt = _runtime(env)
    try:
        for username, (password, token) in fresh.items():
            assert users.authenticate(rt, username, password).username == username
            assert users.actor_for_token(rt, token).username == username
            with pytest.raises(NotAuthenticated):
                users.authenticate(rt, username, logins[username][0])
            with pytest.raises(NotAuthenticated):
                users.actor_for_token(rt, logins[username][1])
    finally:
        rt.close()
