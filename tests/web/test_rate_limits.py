"""Rate limits come from GOVFLOW_ settings and, through Redis, hold across workers.

Two apps on one database stand in for two gunicorn workers. Each test speaks from an
address of its own, so counters left in the shared Redis by other runs never meet it.
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from engine.core.errors import ConfigurationError
from engine.workflow.runtime import Runtime
from tests.conftest import REDIS_URL, People, require_redis
from webui import create_app

#: Beside the load and crash runs, which count in the same Redis (Makefile, `make test`).
pytestmark = pytest.mark.xdist_group("redis")

UNKNOWN_CASE = "/api/v1/public/complaints/GF69-AAAA-AAAA?secret=x"


def _address() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def _workers(runtime: Runtime, n: int, **settings: str) -> list:
    """n apps over the same database, each with its own Runtime, like n worker processes."""
    apps = []
    for _ in range(n):
        worker = Runtime(dataclasses.replace(runtime.settings, **settings))
        apps.append(create_app(runtime=worker).test_client())
    return apps


def _alternate(clients: list, address: str, times: int) -> list[int]:
    return [clients[i % len(clients)].get(UNKNOWN_CASE,
                                          environ_base={"REMOTE_ADDR": address}).status_code
            for i in range(times)]


def test_public_limit_is_shared_by_workers_through_redis(sqlite_runtime):
    require_redis()
    workers = _workers(sqlite_runtime, 2, public_rate_limit="3/minute",
                       ratelimit_storage_uri=REDIS_URL)
    assert _alternate(workers, _address(), 5) == [404, 404, 404, 429, 429]


def test_in_memory_counters_are_per_worker(sqlite_runtime):
    """The baseline the shared store fixes: each worker lets the whole limit through."""
    workers = _workers(sqlite_runtime, 2, public_rate_limit="3/minute")
    assert _alternate(workers, _address(), 6) == [404] * 6
    assert _alternate(workers, _address(), 8)[-2:] == [429, 429]


def test_signin_limit_is_a_setting(sqlite_runtime):
    require_redis()
    (client,) = _workers(sqlite_runtime, 1, signin_rate_limit="2/minute",
                         ratelimit_storage_uri=REDIS_URL)
    client.application.config["WTF_CSRF_ENABLED"] = False
    address, director = _address(), People(sqlite_runtime).director.username
    statuses = [client.post("/signin", data={"username": director,
                                             "password": "wrong"},
                            environ_base={"REMOTE_ADDR": address}).status_code
                for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_a_lost_store_falls_back_to_counting_in_memory(sqlite_runtime):
    """Nothing listens on port 1: the office keeps working and the limit still holds."""
    (client,) = _workers(sqlite_runtime, 1, public_rate_limit="2/minute",
                         ratelimit_storage_uri="redis://127.0.0.1:1")
    assert _alternate([client], _address(), 3) == [404, 404, 429]


@pytest.mark.parametrize(("setting", "value", "named"), [
    ("public_rate_limit", "thirty an hour", "GOVFLOW_PUBLIC_RATE_LIMIT"),
    ("signin_rate_limit", "10/fortnight", "GOVFLOW_SIGNIN_RATE_LIMIT"),
    ("ratelimit_storage_uri", "memcache-ish://x", "GOVFLOW_RATELIMIT_STORAGE_URI"),
])
def test_a_bad_setting_stops_start_up_naming_it(sqlite_runtime, setting, value, named):
    broken = Runtime(dataclasses.replace(sqlite_runtime.settings, **{setting: value}))
    with pytest.raises(ConfigurationError) as caught:
        create_app(runtime=broken)
    assert named in caught.value.message and value in caught.value.message


def test_requests_to_endpoints_without_a_limit_are_not_counted(sqlite_runtime):
    """The limiter looks only at the limited endpoints; the others are never refused, and
    between them the limited one's count goes on as before."""
    (client,) = _workers(sqlite_runtime, 1, public_rate_limit="2/minute",
                         signin_rate_limit="2/minute")
    app = client.application
    assert app.extensions["govflow_limited_endpoints"] == {
        "auth.signin", "account.change_password", "api.file_complaint",
        "api.track_complaint", "api.add_evidence", "public_pages.complaint",
        "public_pages.track"}
    assert app.extensions["govflow_limited_endpoints"] <= set(app.view_functions)
    address = _address()
    statuses = []
    for _ in range(3):
        statuses.append(client.get(UNKNOWN_CASE, environ_base={"REMOTE_ADDR": address})
                        .status_code)
        statuses.append(client.get("/api/v1/openapi.json",
                                   environ_base={"REMOTE_ADDR": address}).status_code)
    assert statuses == [404, 200, 404, 200, 429, 200]
