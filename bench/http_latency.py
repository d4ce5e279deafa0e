"""What one JSON API request costs through ``govflow serve``, against ``/healthz``.

Starts ``govflow serve --no-scheduler`` (waitress, the embedded SQLite default) on a
free loopback port over a fresh instance folder. Users, API tokens and cases are made
through the engine's service functions beforehand, as the other benches do. Then, over
one keep-alive HTTP connection with a bearer token, as an API client calls it, each
round calls every measurement once in turn (``bench/timing.py``), ``GET /healthz`` (a
trivial query, the floor of a request) among them:

* ``list_<view>_<rows>``: ``GET /api/v1/tasks?view=mine|group|all`` when the view holds
  0, 10 and 1,000 open tasks (the first page: 50 rows at most);
* ``get_task``: ``GET /api/v1/tasks/<id>`` of an open triage task;
* ``complete``: ``POST /api/v1/tasks/<id>/complete`` of a fresh triage task each call
  (screening accepted: the case moves on to the director), of a case started through
  the same server, whose workflow it holds in its cache (one ``govflow serve`` process);
* ``complete_cold``: the same for cases started by another process, so the server
  reads and restores each workflow from the database (a gunicorn worker that did not
  serve the case's last command);
* ``start``: ``POST /api/v1/processes/complaint/instances``.

``in_server`` is each request's time inside the server's app, as its own request log
line (webui/request_log.py, which every request writes anyway) gives it, found by the
request id the bench sends; ``outside_app_ms`` the rest (waitress, the socket, the
client).

Each phase (the lists at each size, then the three actions) has its own ``/healthz``
rounds; ``vs_healthz`` compares each measurement with its phase's. ``loadavg_1m`` says
how busy the machine was.

The list's tasks are inserted in bulk for each size (set-up, not measured): the legal
officer holds ``rows`` tasks ("mine"), as many wait unclaimed in the legal officers'
group ("group"), and as many publishing tasks are open for the ICT head, who supervises
that process ("all"). Every answer is checked: status, and for a list its ``total`` and
row count, so no figure is an empty or refused request's.

The breakdown (``breakdown``) runs the same requests in this process through Flask's
test client with timers around the phases, put there by this script alone (production
code carries no instrumentation): the token check (``actor_for_token``), role and
visibility checks (``_view_values``, or ``_view_filter`` before it, and
``_visible_row``), SQL in the driver, view building (``task_view``, ``view_context``),
the rest of the service call, JSON serialisation and the rest of Flask (routing,
request hooks, the test client). ``service_total`` is the engine's service call as a
whole (for ``complete``: ``complete_task``, the engine's own work).

``engine_complete`` is ``complete_task`` called in this process (no HTTP, no Flask, no
timers; its workflows cached like the server's), in the same rounds as ``complete``:
``complete_minus_engine_ms``, the difference of their medians, is what a completion
costs around the engine.

Usage: ``.venv/bin/python bench/http_latency.py [--repeat 200] [--budget 120]``.
The summary goes to stderr; the last line on stdout is one JSON object. Exits 1 when an
answer is not what it should be.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, insert, select
from timing import measure_rounds, nearest_rank, sig3

from engine.core.actors import Actor
from engine.core.config import REPO_ROOT, Settings
from engine.core.models import ProcessInstance, ProcessVersion, Task
from engine.core.schema import upgrade
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user, issue_token
from engine.services.inbox import instances
from engine.services.inbox import tasks as task_service
from engine.services.ops.health import record_heartbeat
from engine.workflow.runtime import Runtime

if str(REPO_ROOT) not in sys.path:  # run as a script: make tests/ importable
    sys.path.insert(0, str(REPO_ROOT))
from tests.samples import COMPLAINT  # noqa: E402  the start form the tests file

SIZES = (0, 10, 1000)
VIEWS = ("mine", "group", "all")
PAGE = 50
#: Bulk cases for the lists get ids from here on, clear of the cases started for real.
BULK_FROM = 1_000_000
TRIAGE = {"screening_outcome": "accept"}
#: The engine's own complete_task, kept before the breakdown puts its timers around it.
ENGINE_COMPLETE = task_service.complete_task
#: Seconds the one heartbeat written at set-up keeps /healthz at 200 (no scheduler runs).
HEARTBEAT_MAX_AGE = 86_400.0


class BenchError(Exception):
    pass


# ---------------------------------------------------------------- set-up


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def set_list_rows(rt: Runtime, rows: int, holder: Actor) -> None:
    """Replace the bulk tasks: ``rows`` held by ``holder``, ``rows`` unclaimed in the legal
    officers' group, ``rows`` open publishing tasks (the ICT head's "all" view)."""
    now = datetime.now(UTC)
    with rt.db.write() as session:
        conn = session.connection()
        conn.execute(delete(Task.__table__).where(Task.instance_id >= BULK_FROM))
        conn.execute(delete(ProcessInstance.__table__)
                     .where(ProcessInstance.id >= BULK_FROM))
        if not rows:
            return
        versions = dict(session.execute(
            select(ProcessVersion.process_key, ProcessVersion.id)
            .where(ProcessVersion.is_current.is_(True))).tuples().all())
        kinds = [("complaint", "legal_officer", holder), ("complaint", "legal_officer", None),
                 ("publishing", "director", None)]
        cases, tasks = [], []
        for n, (key, role, held_by) in enumerate(kind for kind in kinds for _ in range(rows)):
            case_id = BULK_FROM + n
            received = date(2026, 10, 1) + timedelta(days=n % 60)
            cases.append({
                "id": case_id, "process_key": key, "version_id": versions[key],
                "status": "running", "title": f"เรื่องที่ {n}", "revision": 1,
                "serializer_version": "1.5", "state": "", "created_at": now,
                "updated_at": now, "received_on": received,
            })
            tasks.append({
                "id": str(uuid.uuid4()), "instance_id": case_id, "process_key": key,
                "bpmn_id": "triage", "name": "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น",
                "lane_id": "lane", "lane_name": "ช่อง", "role": role, "unit_id": None,
                "title": f"เรื่องที่ {n}", "state": "open",
                "assignee_id": held_by.id if held_by else None,
                "assignee_name": held_by.username if held_by else None,
                "assignee_display": held_by.display_name if held_by else None,
                "received_on": received, "created_at": now - timedelta(minutes=n),
                "due_at": now + timedelta(hours=(n % 400) - 100),
                "completed_at": None, "completed_by_id": None,
            })
        conn.execute(insert(ProcessInstance.__table__), cases)
        conn.execute(insert(Task.__table__), tasks)


def triage_tasks(call: Call | None, token: str, rt: Runtime, officer: Actor,
                 count: int) -> Iterator[str]:
    """``count`` fresh complaint cases, started through ``call`` (the API) or, without
    it, through the service on ``rt``; their triage tasks."""
    ids = []
    for _ in range(count):
        if call is None:
            view = instances.start_instance(rt, officer, "complaint", COMPLAINT)
        else:
            status, view = call("POST", "/api/v1/processes/complaint/instances", token,
                                {"data": COMPLAINT})
            expect(status, 201, "start (set-up)", view)
        (task,) = view["tasks"]
        ids.append(task["id"])
    return iter(ids)


class Server:
    """``govflow serve`` in its own process, on a free loopback port."""

    def __init__(self, instance_dir: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "GOVFLOW_INSTANCE_DIR": str(instance_dir),
               "GOVFLOW_PROCESSES_DIR": str(REPO_ROOT / "processes"),
               "GOVFLOW_HEARTBEAT_MAX_AGE": str(HEARTBEAT_MAX_AGE)}
        self.log = (instance_dir / "serve.log").open("wb")
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "govflow"), "serve", "--no-scheduler",
             "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, cwd=REPO_ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        self.log_path = instance_dir / "serve.log"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"govflow serve exited: {self.log_path.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise BenchError("govflow serve did not listen within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class Client:
    """One keep-alive HTTP/1.1 connection, as an API client holds one."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        #: What is being measured: sent as the request id, which the server's own
        #: request log line carries back with its duration (see ``in_server``).
        self.label = "setup"
        self.sent = 0

    def call(self, method: str, path: str, token: str | None = None,
             body: dict[str, Any] | None = None) -> tuple[int, Any]:
        self.sent += 1
        headers = {"Accept": "application/json", "X-Request-ID": f"{self.label}.{self.sent}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=payload, headers=headers)
        answer = self.conn.getresponse()
        data = answer.read()
        return answer.status, json.loads(data) if data else None


# ---------------------------------------------------------------- what is measured


Call = Callable[[str, str, str | None, dict[str, Any] | None], tuple[int, Any]]


def expect(status: int, wanted: int, what: str, body: Any) -> Any:
    if status != wanted:
        raise BenchError(f"{what} answered {status}, expected {wanted}: {str(body)[:300]}")
    return body


def requests(call: Call, tokens: dict[str, str], rows: int | None,
             triage: dict[str, Iterator[str]] | None,
             readable: str | None) -> dict[str, Callable[[], Any]]:
    """The measured calls; each checks its answer (rows: the lists' sizes; triage: the
    fresh tasks of each completion measurement; readable: the task read)."""
    def healthz() -> Any:
        status, body = call("GET", "/healthz", None, None)
        return expect(status, 200, "/healthz", body)

    fns: dict[str, Callable[[], Any]] = {"healthz": healthz}

    def lister(view: str, token: str, size: int) -> Callable[[], Any]:
        def run() -> Any:
            status, body = call("GET", f"/api/v1/tasks?view={view}", token, None)
            expect(status, 200, f"list {view}", body)
            if body["total"] != size or len(body["tasks"]) != min(size, PAGE):
                raise BenchError(f"list {view}: total {body['total']}, {len(body['tasks'])} "
                                 f"rows; expected {size} and {min(size, PAGE)}")
            return body
        return run

    if rows is not None:
        for view in VIEWS:
            token = tokens["ict" if view == "all" else "officer"]
            fns[f"list_{view}_{rows}"] = lister(view, token, rows)
    if triage is not None and readable is not None:
        def completer(tasks: Iterator[str]) -> Callable[[], Any]:
            def complete() -> Any:
                task_id = next(tasks)
                status, body = call("POST", f"/api/v1/tasks/{task_id}/complete",
                                    tokens["officer"], {"data": TRIAGE})
                expect(status, 200, "complete", body)
                if body["state"] != "completed" or len(body["next_tasks"]) != 1:
                    raise BenchError(f"complete: {str(body)[:300]}")
                return body
            return complete

        def get_task() -> Any:
            status, body = call("GET", f"/api/v1/tasks/{readable}", tokens["officer"], None)
            expect(status, 200, "get task", body)
            if body["id"] != readable or not body["may_act"]:
                raise BenchError(f"get task: {str(body)[:300]}")
            return body

        def start() -> Any:
            status, body = call("POST", "/api/v1/processes/complaint/instances",
                                tokens["officer"], {"data": COMPLAINT})
            expect(status, 201, "start", body)
            if len(body["tasks"]) != 1:
                raise BenchError(f"start: {str(body)[:300]}")
            return body

        fns.update({name: completer(fresh) for name, fresh in triage.items()})
        fns.update(get_task=get_task, start=start)
    return fns


def labelled(client: Client, fns: dict[str, Callable[[], Any]]) -> dict[str, Callable[[], Any]]:
    """``fns`` with each one's name put on its requests."""
    def tag(name: str, fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            client.label = name
            try:
                return fn()
            finally:
                # Set-up requests between the rounds (cases started over HTTP) must not
                # count as the last measurement's.
                client.label = "setup"
        return run
    return {name: tag(name, fn) for name, fn in fns.items()}


def server_durations(log: Path) -> dict[str, list[float]]:
    """The server's own ``http_request`` log lines (webui/request_log.py): each request's
    duration inside the app, by the measurement its request id names."""
    found: dict[str, list[float]] = defaultdict(list)
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # the start-up line
        if entry.get("message") == "http_request" and entry.get("duration_ms") is not None:
            found[str(entry.get("request_id", "")).rsplit(".", 1)[0]].append(
                float(entry["duration_ms"]))
    return found


def figures(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {name: {"p50_ms": sig3(statistics.median(values)),
                   "p95_ms": sig3(nearest_rank(sorted(values), 0.95))}
            for name, values in samples.items()}


# ---------------------------------------------------------------- the breakdown


class Phases:
    """Exclusive time per phase: time spent in a nested phase counts for that one only."""

    def __init__(self) -> None:
        self.stack: list[list[Any]] = []
        self.spent: dict[str, float] = defaultdict(float)
        self.inclusive: dict[str, float] = defaultdict(float)

    def enter(self, name: str) -> None:
        self.stack.append([name, time.perf_counter(), 0.0])

    def leave(self) -> None:
        name, began, nested = self.stack.pop()
        took = time.perf_counter() - began
        self.spent[name] += took - nested
        self.inclusive[name] += took
        if self.stack:
            self.stack[-1][2] += took

    def wrap(self, owner: Any, attribute: str, name: str) -> None:
        inner = getattr(owner, attribute, None)
        if inner is None:  # an older tree (the bench is also run on the code before a fix)
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            self.enter(name)
            try:
                return inner(*args, **kwargs)
            finally:
                self.leave()

        setattr(owner, attribute, timed)

    def take(self) -> tuple[dict[str, float], dict[str, float]]:
        spent, inclusive = dict(self.spent), dict(self.inclusive)
        self.spent.clear()
        self.inclusive.clear()
        return spent, inclusive


def instrumented_client(rt: Runtime) -> tuple[Call, Phases]:
    """Flask's test client on ``rt``, with timers around the phases of a request."""
    from flask.json.provider import DefaultJSONProvider

    from engine.services.admin import tokens as token_service
    from engine.services.admin import users
    from engine.services.inbox import tasks
    from engine.services.ops import health
    from webui import create_app

    phases = Phases()
    phases.wrap(users, "actor_for_token", "token")
    phases.wrap(token_service, "actor_for_token", "token")
    phases.wrap(tasks, "_view_values", "visibility")
    phases.wrap(tasks, "_view_filter", "visibility")
    phases.wrap(tasks, "_visible_row", "visibility")
    phases.wrap(tasks, "task_view", "views")
    phases.wrap(tasks, "view_context", "views")
    for name in ("list_tasks", "get_task", "complete_task"):
        phases.wrap(tasks, name, "service")
    phases.wrap(instances, "start_instance", "service")
    phases.wrap(health, "health", "service")
    phases.wrap(DefaultJSONProvider, "response", "json")
    event.listen(rt.db.engine, "before_cursor_execute",
                 lambda *_: phases.enter("sql"))
    event.listen(rt.db.engine, "after_cursor_execute", lambda *_: phases.leave())
    # A statement that fails never reaches after_cursor_execute.
    event.listen(rt.db.engine, "handle_error", lambda *_: phases.leave())
    app = create_app(runtime=rt)
    client = app.test_client()

    def call(method: str, path: str, token: str | None,
             body: dict[str, Any] | None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        phases.enter("flask")
        try:
            answer = client.open(path, method=method, headers=headers, json=body)
        finally:
            phases.leave()
        return answer.status_code, answer.get_json()

    return call, phases


def breakdown(call: Call, phases: Phases, fns: dict[str, Callable[[], Any]], repeat: int,
              budget: float) -> dict[str, dict[str, float]]:
    """Per measurement: the median of each phase's share of a request, in ms."""
    per_call: dict[str, list[tuple[dict[str, float], dict[str, float]]]] = defaultdict(list)

    def seen(name: str, _: Any) -> None:
        per_call[name].append(phases.take())

    for fn in fns.values():
        fn()
    phases.take()
    samples = measure_rounds(fns, repeat, budget, min_rounds=min(20, repeat), warm=False,
                             seen=seen)
    out: dict[str, dict[str, float]] = {}
    names = ("token", "visibility", "sql", "views", "service", "json", "flask")
    for name, values in per_call.items():
        row = {phase: sig3(1000 * statistics.median(s.get(phase, 0.0) for s, _ in values))
               for phase in names}
        for phase in ("token", "service"):
            row[f"{phase}_total"] = sig3(
                1000 * statistics.median(i.get(phase, 0.0) for _, i in values))
        row["total"] = sig3(statistics.median(samples[name]))
        out[name] = row
    return out


# ---------------------------------------------------------------- the run


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="govflow-http-") as tmp:
        instance = Path(tmp)
        # No scheduler runs: /healthz reads the one heartbeat the bench writes (the server
        # gets the same allowance through GOVFLOW_HEARTBEAT_MAX_AGE).
        rt = Runtime(Settings(instance_dir=instance, processes_dir=REPO_ROOT / "processes",
                              heartbeat_max_age=HEARTBEAT_MAX_AGE))
        server = None
        try:
            upgrade(rt.db)
            deploy(rt)
            officer = add_user(rt, "officer", ["legal_officer"], "LEGAL")
            add_user(rt, "ict", ["ict_head"], "ICT")
            tokens = {"officer": issue_token(rt, "officer"), "ict": issue_token(rt, "ict")}
            record_heartbeat(rt, "http-latency-bench", {}, busy=True)
            server = Server(instance)
            client = Client(server.port)
            local, phases = instrumented_client(rt)

            def http(method: str, path: str, token: str | None,
                     body: dict[str, Any] | None) -> tuple[int, Any]:
                return client.call(method, path, token, body)

            samples: dict[str, list[float]] = {}
            parts: dict[str, dict[str, float]] = {}
            # Each phase's own /healthz, the floor its measurements are compared with.
            floors: dict[str, list[float]] = {}
            phase_of: dict[str, str] = {}
            load = [os.getloadavg()[0]]
            for rows in SIZES:
                set_list_rows(rt, rows, officer)
                timed = measure_rounds(labelled(client, requests(http, tokens, rows, None, None)),
                                       args.repeat, args.budget / 5,
                                       min_rounds=min(20, args.repeat))
                floors[f"rows_{rows}"] = timed.pop("healthz")
                phase_of.update(dict.fromkeys(timed, f"rows_{rows}"))
                samples.update(timed)
                if rows == 10:
                    parts.update(breakdown(local, phases,
                                           requests(local, tokens, rows, None, None),
                                           args.repeat, args.budget / 10))
            set_list_rows(rt, 0, officer)
            # Each completion takes a fresh task: one per round, the warm-up call and
            # spares. Warm: started through the one that completes them (the server, or
            # this process's app for the breakdown); cold: started by another runtime.
            fresh = 2 * args.repeat + 10
            # Its own runtime: no breakdown timers on its statements, its own cache.
            other = Runtime(rt.settings)
            try:
                served = {"complete": triage_tasks(http, tokens["officer"], rt, officer, fresh),
                          "complete_cold": triage_tasks(None, "", other, officer, fresh)}
                here = {"complete": triage_tasks(local, tokens["officer"], rt, officer, fresh),
                        "complete_cold": triage_tasks(None, "", other, officer, fresh)}
                in_engine = triage_tasks(None, "", other, officer, fresh)

                def engine_complete() -> Any:
                    view = ENGINE_COMPLETE(other, officer, next(in_engine), TRIAGE)
                    if view["state"] != "completed" or len(view["next_tasks"]) != 1:
                        raise BenchError(f"engine complete: {str(view)[:300]}")
                    return view

                readable = next(served["complete_cold"])
                timed = measure_rounds(
                    {**labelled(client, requests(http, tokens, None, served, readable)),
                     "engine_complete": engine_complete},
                    args.repeat, args.budget / 5, min_rounds=min(20, args.repeat))
            finally:
                other.close()
            floors["actions"] = timed.pop("healthz")
            phase_of.update(dict.fromkeys(timed, "actions"))
            samples.update(timed)
            parts.update({k: v for k, v in breakdown(
                local, phases, requests(local, tokens, None, here, readable), args.repeat,
                args.budget / 10).items() if k != "healthz"})
            load.append(os.getloadavg()[0])
        finally:
            if server is not None:
                server.stop()
            rt.close()
        assert server is not None
        inside = server_durations(server.log_path)
    result: dict[str, Any] = {
        "backend": "sqlite", "server": "govflow serve (waitress)", "page_size": PAGE,
        "rounds": {phase: len(values) for phase, values in floors.items()},
        # The machine's 1-minute load average when the run began and ended.
        "loadavg_1m": [round(value, 2) for value in load],
    }
    result["http"] = figures({"healthz": [v for values in floors.values() for v in values],
                              **samples})
    result["healthz_by_phase"] = figures(floors)
    result["vs_healthz"] = {
        name: sig3(statistics.median(values)
                   / statistics.median(floors[phase_of[name]]))
        for name, values in samples.items()}
    result["breakdown"] = parts
    # Inside the server's app (its request log's duration: from the first request hook to
    # the last) and around it (waitress, the socket, this client), per measurement.
    result["in_server"] = figures({name: inside[name] for name in result["http"]
                                   if inside.get(name)})
    result["outside_app_ms"] = {name: sig3(result["http"][name]["p50_ms"] - f["p50_ms"])
                                for name, f in result["in_server"].items()}
    # What a completion costs besides the engine's own complete_task (same rounds).
    result["complete_minus_engine_ms"] = sig3(
        statistics.median(samples["complete"]) - statistics.median(samples["engine_complete"]))
    result["goals"] = {
        "complete_le_5ms": result["http"]["complete"]["p50_ms"] <= 5,
        "list_10_le_3ms": all(result["http"][f"list_{v}_10"]["p50_ms"] <= 3 for v in VIEWS),
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=200, help="rounds per phase (at most)")
    parser.add_argument("--budget", type=float, default=150,
                        help="seconds for all the rounds, shared by the phases")
    args = parser.parse_args(argv)
    # Stopped from outside: leave through run()'s finally, which stops the server too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        result = run(args)
    except BenchError as exc:
        print(f"http_latency: FAILED: {exc}", file=sys.stderr)
        return 1
    for name, f in result["http"].items():
        parts = result["breakdown"].get(name, {})
        print(f"  {name:<18} p50 {f['p50_ms']:>7} ms  p95 {f['p95_ms']:>7} ms  "
              f"{' '.join(f'{k}={v}' for k, v in parts.items())}", file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
