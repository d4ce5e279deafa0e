"""Simulated people for the load and crash tests: staff working their inboxes over the API,
citizens filing complaints on the website channel at a fixed rate.

Every answer is recorded: its status, its latency, and what it proves happened (a
tracking code handed out, a task completed by whom). A request cut off by a killed
worker is recorded as ``dropped``: the client cannot know whether it took effect.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engine.thai.workdays import BANGKOK
from tests.load.cluster import StaffMember
from tests.samples import COMPLAINT, PUBLISHING_REQUEST

#: Statuses a healthy run may answer: success, and 409 when another clerk got there first.
EXPECTED = {200, 201, 409}
#: Outcomes that are not HTTP statuses.
DROPPED = "dropped"
#: gunicorn closes a keep-alive connection idle for 2 s (its default); reconnect before that,
#: as browsers do, so a close on the server's side is never mistaken for a crash.
IDLE_RECONNECT_S = 1.5
#: Steps the simulated clerks leave alone: the timer process's task stands for a deadline
#: missed, so its timer fires and escalates during the load.
MISSED_STEPS = {"wait_task"}


def _today() -> str:
    return datetime.now(BANGKOK).date().isoformat()


def step_data(bpmn_id: str, rng: random.Random) -> dict[str, Any]:
    """Valid form data for each step of the two procedures (the shapes of tests/samples.py)."""
    today = _today()
    data: dict[str, dict[str, Any]] = {
        "triage": {"screening_outcome": "accept"},
        "director_order": {"director_instruction": "สืบสวนข้อเท็จจริง",
                           "action_type": "fact_finding"},
        "initial_action": {"initial_action_note": "แจ้งโรงเรียนแล้ว",
                           "parties_notified_on": today, "notice_to": "accused_unit"},
        "follow_up": {"follow_up_date": today, "follow_up_note": "ติดตามแล้ว",
                      "resolved": rng.random() < 0.7},
        "review_result": {"result_summary": "ดำเนินการแล้ว", "review_decision": "approve"},
        "notify_result": {"notified_on": today, "notify_method": "letter",
                          "result_message": "ดำเนินการตามเรื่องร้องเรียนแล้ว"},
        "forward_case": {"forwarded_to": "สำนักงาน ป.ป.ช. จังหวัด", "forward_letter_no": "ศธ 0001/1",
                         "forwarded_on": today},
        "director_approval": {"director_decision": "approve"},
        "web_admin_check": {"check_result": "pass", "source_owner": "กลุ่มนโยบายและแผน"},
        "ict_head_decision": {"ict_decision": "approve"},
        "publish_item": {"publish_note": "นำขึ้นเผยแพร่แล้ว"},
        "owner_revise": {"revise_action": "withdraw"},
    }
    return data.get(bpmn_id, {})


def public_complaint() -> dict[str, Any]:
    web = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
    return {**web, "notice_acknowledged": True}


@dataclass
class Outcomes:
    """What every simulated person saw; shared by all threads."""

    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    filed: list[str] = field(default_factory=list)
    completed: list[tuple[str, str]] = field(default_factory=list)
    started: list[int] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, op: str, status: int | str, seconds: float, body: Any) -> None:
        with self.lock:
            self.statuses[op][status] += 1
            if status != DROPPED:
                self.latencies[op].append(seconds)
            if (status not in EXPECTED and status not in (429, DROPPED)
                    and len(self.unexpected) < 20):
                self.unexpected.append(f"{op} {status} {json.dumps(body)[:300]}")


class Api:
    """One keep-alive connection to the app, as a browser or API client holds."""

    def __init__(self, port: int, outcomes: Outcomes, token: str | None = None) -> None:
        self.port, self.outcomes, self.token = port, outcomes, token
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def call(self, op: str, method: str, path: str, body: Any = None) -> tuple[Any, Any]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        if self.conn is not None and started - self.last_used > IDLE_RECONNECT_S:
            self._close()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=payload, headers=headers)
            answer = self.conn.getresponse()
            raw = answer.read()
            status: int | str = answer.status
        except (OSError, http.client.HTTPException):
            # A worker killed mid-request: the outcome is unknown, so reconnect and say so.
            self._close()
            self.outcomes.record(op, DROPPED, time.perf_counter() - started, None)
            return DROPPED, None
        self.last_used = time.perf_counter()
        seconds = self.last_used - started
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw[:200].decode("utf-8", "replace")
        self.outcomes.record(op, status, seconds, parsed)
        if answer.getheader("Connection", "").lower() == "close":
            self._close()
        return status, parsed

    def _close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


@dataclass
class Load:
    """The people and the rates; ``run`` blocks for ``seconds``, ``during`` runs beside it."""

    port: int
    staff: list[StaffMember]
    complaints_per_s: float
    seconds: float
    timer_cases_per_s: float = 0.0
    timer_process: str | None = None
    submitters: int = 40
    seed: int = 8
    outcomes: Outcomes = field(default_factory=Outcomes)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, during: Callable[[threading.Event], None] | None = None) -> Outcomes:
        threads = [threading.Thread(target=self._work, args=(member, i), daemon=True)
                   for i, member in enumerate(self.staff)]
        threads.append(threading.Thread(target=self._file_complaints, daemon=True))
        if self.timer_process and self.timer_cases_per_s > 0:
            threads.append(threading.Thread(target=self._start_timer_cases, daemon=True))
        if during is not None:
            threads.append(threading.Thread(target=during, args=(self.stop,), daemon=True))
        for thread in threads:
            thread.start()
        self.stop.wait(self.seconds)
        self.stop.set()
        for thread in threads:
            thread.join(timeout=90)
        return self.outcomes

    # -------------------------------------------------------------- staff

    def _work(self, member: StaffMember, index: int) -> None:
        rng = random.Random(self.seed * 1000 + index)
        api = Api(self.port, self.outcomes, member.token)
        while not self.stop.is_set():
            if member.role == "staff" and rng.random() < 0.15:
                request = {**PUBLISHING_REQUEST, "request_date": _today()}
                status, body = api.call("start", "POST", "/api/v1/processes/publishing/instances",
                                        {"data": request})
                if status == 201:
                    with self.outcomes.lock:
                        self.outcomes.started.append(body["id"])
            task = self._next_task(api, rng)
            if task is None:
                self.stop.wait(rng.uniform(0.3, 0.8))
                continue
            status, _ = api.call("complete", "POST", f"/api/v1/tasks/{task['id']}/complete",
                                 {"data": step_data(task["bpmn_id"], rng)})
            if status == 200:
                with self.outcomes.lock:
                    self.outcomes.completed.append((task["id"], member.username))
            self.stop.wait(rng.uniform(0.05, 0.25))  # reading the next form

    def _next_task(self, api: Api, rng: random.Random) -> dict[str, Any] | None:
        """A task already mine (left by a cut-off request), else one claimed from the group."""
        status, body = api.call("inbox_mine", "GET", "/api/v1/tasks?view=mine&limit=5")
        if status == 200 and body["tasks"]:
            return body["tasks"][0]
        status, body = api.call("inbox", "GET", "/api/v1/tasks?view=group&limit=20")
        if status != 200:
            return None
        free = [t for t in body["tasks"]
                if not t.get("assignee") and t["bpmn_id"] not in MISSED_STEPS]
        if not free:
            return None
        task = rng.choice(free[:10])
        status, _ = api.call("claim", "POST", f"/api/v1/tasks/{task['id']}/claim")
        return task if status == 200 else None

    # -------------------------------------------------------------- citizens

    def _file_complaints(self) -> None:
        """Open loop: a submission every 1/rate seconds, whatever the answers' latency."""
        local = threading.local()
        pending = threading.Semaphore(self.submitters)
        interval = 1.0 / self.complaints_per_s
        next_at = time.monotonic()

        def file_one() -> None:
            try:
                if not hasattr(local, "api"):
                    local.api = Api(self.port, self.outcomes)
                status, body = local.api.call("file", "POST", "/api/v1/public/complaints",
                                              public_complaint())
                if status == 201:
                    with self.outcomes.lock:
                        self.outcomes.filed.append(body["tracking_code"])
            finally:
                pending.release()

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(self.submitters) as pool:
            while not self.stop.is_set():
                next_at += interval
                delay = next_at - time.monotonic()
                if delay > 0:
                    self.stop.wait(delay)
                if not pending.acquire(timeout=1):
                    with self.outcomes.lock:
                        self.outcomes.statuses["file"]["not_sent_client_busy"] += 1
                    continue
                pool.submit(file_one)

    def _start_timer_cases(self) -> None:
        """Cases whose deadline comes a few seconds later, so schedulers fire during the load."""
        rng = random.Random(self.seed)
        officers = [m for m in self.staff if m.role == "legal_officer"]
        api = Api(self.port, self.outcomes, officers[0].token)
        while not self.stop.is_set():
            due = datetime.now(BANGKOK) + timedelta(seconds=rng.uniform(2, 20))
            status, body = api.call("start_timer_case", "POST",
                                    f"/api/v1/processes/{self.timer_process}/instances",
                                    {"data": {"due_at": due.isoformat(timespec="seconds")}})
            if status == 201:
                with self.outcomes.lock:
                    self.outcomes.started.append(body["id"])
            self.stop.wait(1.0 / self.timer_cases_per_s)
