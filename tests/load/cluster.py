"""govflow deployed as the README says for scale-out, on loopback, for load and crash tests.

One PostgreSQL database of its own (created here, dropped at the end), gunicorn with
several workers, several ``govflow scheduler`` processes, rate-limit counters in Redis,
and a real SMTP server in this process that records every delivered Message-ID.
``bench/load_test.py`` and ``tests/load/test_load_and_crash.py`` both use it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path
from threading import Lock

from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from engine.core.config import REPO_ROOT, Settings
from engine.services.admin.users import add_user, issue_token
from engine.workflow.runtime import Runtime
from tests.conftest import PG_URL as PG_ADMIN_URL
from tests.conftest import REDIS_URL
from tests.mail_support import free_port

BIN = Path(sys.executable).parent

#: The simulated office: role → how many of the staff have it, and their unit.
STAFF_MIX = (("legal_officer", "LEGAL", 0.30), ("director", "DIR", 0.08),
             ("legal_head", "LEGAL", 0.08), ("web_admin", "ICT", 0.14),
             ("ict_head", "ICT", 0.08), ("staff", "PLAN", 0.32))


class ClusterError(RuntimeError):
    """The cluster could not be set up or did not become healthy."""


class MailRecorder:
    """An aiosmtpd handler that counts every Message-ID it receives."""

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()
        self._lock = Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd API
        headers = BytesHeaderParser().parsebytes(envelope.content)
        message_id = " ".join((headers.get("Message-ID") or "").split())  # unfolded
        with self._lock:
            self.received[message_id] += 1
        return "250 OK"


@dataclass
class StaffMember:
    username: str
    role: str
    token: str


@dataclass
class Cluster:
    workdir: Path
    workers: int = 4
    threads: int = 4
    schedulers: int = 2
    public_rate_limit: str = "1000000/hour"
    extra_processes: Path | None = None
    port: int = field(default_factory=free_port)
    database: str = field(default_factory=lambda: f"govflow_load_{uuid.uuid4().hex[:10]}")
    mail: MailRecorder = field(default_factory=MailRecorder)
    gunicorn: subprocess.Popen | None = None
    scheduler_procs: list[subprocess.Popen] = field(default_factory=list)
    restarts: Counter[str] = field(default_factory=Counter)

    # ------------------------------------------------------------------ set-up

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        return f"{base}/{self.database}"

    def start(self, staff: int) -> list[StaffMember]:
        """Create the database, start SMTP, init, add staff, then gunicorn and schedulers."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.database}"'))
        self._smtp = Controller(self.mail, hostname="127.0.0.1", port=free_port())
        self._smtp.start()
        processes = self.extra_processes or REPO_ROOT / "processes"
        self._settings = Settings(
            instance_dir=self.workdir / "instance", processes_dir=processes,
            database_url=self.database_url, data_key=Fernet.generate_key().decode(),
            name_index_key=Fernet.generate_key().decode(),
            secret_key=secrets.token_hex(32), smtp_host="127.0.0.1",
            smtp_port=self._smtp.port, ratelimit_storage_uri=REDIS_URL,
            public_rate_limit=self.public_rate_limit, public_url=self.base_url)
        self._env = {**os.environ, **self._env_of(self._settings), "GOVFLOW_LOG_LEVEL": "WARNING"}
        self._run("init")
        people = self._add_staff(staff)
        self._start_gunicorn()
        for _ in range(self.schedulers):
            self.scheduler_procs.append(self._start_scheduler())
        self.wait_healthy()
        return people

    @staticmethod
    def _env_of(settings: Settings) -> dict[str, str]:
        return {
            "GOVFLOW_INSTANCE_DIR": str(settings.instance_dir),
            "GOVFLOW_PROCESSES_DIR": str(settings.processes_dir),
            "GOVFLOW_DATABASE_URL": settings.database_url or "",
            "GOVFLOW_DATA_KEY": settings.data_key or "",
            "GOVFLOW_NAME_INDEX_KEY": settings.name_index_key or "",
            "GOVFLOW_SECRET_KEY": settings.secret_key or "",
            "GOVFLOW_SMTP_HOST": settings.smtp_host or "",
            "GOVFLOW_SMTP_PORT": str(settings.smtp_port),
            "GOVFLOW_RATELIMIT_STORAGE_URI": settings.ratelimit_storage_uri,
            "GOVFLOW_PUBLIC_RATE_LIMIT": settings.public_rate_limit,
            "GOVFLOW_PUBLIC_URL": settings.public_url,
            # The office's profile, not the suite's (tests/conftest.py): the staff's
            # passwords are hashed under it, and sign-ins under load cost what they cost.
            "GOVFLOW_PASSWORD_PROFILE": settings.password_profile,
        }

    def _run(self, *args: str) -> None:
        done = subprocess.run([str(BIN / "govflow"), *args], env=self._env, cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise ClusterError(f"govflow {' '.join(args)}: {done.stderr.strip()[-2000:]}")

    def _add_staff(self, staff: int) -> list[StaffMember]:
        rt = Runtime(self._settings)
        try:
            people = []
            for i in range(staff):
                role, unit, _ = STAFF_MIX[i] if i < len(STAFF_MIX) else _weighted_role(i)
                name = f"load_{role}_{i:03d}"
                add_user(rt, name, [role], unit, email=f"{name}@office.example")
                people.append(StaffMember(name, role, issue_token(rt, name)))
            return people
        finally:
            rt.close()

    def _log(self, name: str):
        return (self.workdir / f"{name}.log").open("ab")

    def _start_gunicorn(self) -> None:
        self.gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(self.workers), "--threads", str(self.threads),
             "-b", f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "5",
             "webui.wsgi:app"],
            env=self._env, cwd=REPO_ROOT, stdout=self._log("gunicorn"),
            stderr=subprocess.STDOUT)

    def _start_scheduler(self) -> subprocess.Popen:
        return subprocess.Popen(
            [str(BIN / "govflow"), "scheduler", "--interval", "0.5"],
            env=self._env, cwd=REPO_ROOT, stdout=self._log("scheduler"),
            stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise ClusterError(f"/healthz did not answer 200 within {timeout} s; see "
                           f"{self.workdir}/gunicorn.log and scheduler.log")

    # ------------------------------------------------------------------ crashes

    def worker_pids(self) -> list[int]:
        assert self.gunicorn is not None
        found = subprocess.run(["pgrep", "-P", str(self.gunicorn.pid)], capture_output=True,
                               text=True, check=False)
        return [int(pid) for pid in found.stdout.split()]

    def kill_worker(self, rng) -> bool:
        """kill -9 one gunicorn worker; its master starts another."""
        pids = self.worker_pids()
        if not pids:
            return False
        _kill9(rng.choice(pids))
        self.restarts["web_worker"] += 1
        return True

    def kill_scheduler(self, rng) -> int:
        """kill -9 one scheduler; the caller restarts it later (as systemd would)."""
        index = rng.randrange(len(self.scheduler_procs))
        _kill9(self.scheduler_procs[index].pid)
        self.scheduler_procs[index].wait()
        self.restarts["scheduler"] += 1
        return index

    def restart_scheduler(self, index: int) -> None:
        self.scheduler_procs[index] = self._start_scheduler()

    def all_schedulers_running(self) -> None:
        for index, proc in enumerate(self.scheduler_procs):
            if proc.poll() is not None:
                self.restart_scheduler(index)

    # ------------------------------------------------------------------ end

    def runtime(self) -> Runtime:
        return Runtime(self._settings)

    def stop_web(self) -> None:
        if self.gunicorn is not None and self.gunicorn.poll() is None:
            self.gunicorn.send_signal(signal.SIGTERM)
            try:
                self.gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.gunicorn.kill()
                self.gunicorn.wait()

    def stop(self, *, keep_workdir: bool = False) -> None:
        self.stop_web()
        for proc in self.scheduler_procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in self.scheduler_procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if getattr(self, "_smtp", None) is not None:
            self._smtp.stop()
        if getattr(self, "_admin", None) is not None:
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
            self._admin.dispose()
        if not keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _weighted_role(i: int) -> tuple[str, str, float]:
    """Beyond one of each role, staff follow STAFF_MIX's shares (deterministic by index)."""
    position = (i * 0.6180339887) % 1.0  # golden-ratio spread over [0, 1)
    total = 0.0
    for entry in STAFF_MIX:
        total += entry[2]
        if position < total:
            return entry
    return STAFF_MIX[-1]


def _kill9(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
