"""Fixtures for the HTML tests, loaded with ``pytest_plugins = ("tests.web_support",)``.

Users with passwords, an app with CSRF protection on, and signed-in browsers.
"""

from __future__ import annotations

import pytest

from engine.workflow.runtime import Runtime
from tests.account_support import known_password
from tests.conftest import People
from tests.web_client import Browser
from webui import create_app


@pytest.fixture
def web_people(sqlite_runtime) -> People:
    return People(sqlite_runtime)


class _PasswordsOnDemand(dict[str, str]):
    """A test user's password, set the way an administrator would the first time it is
    asked for: an argon2 hash costs about 0.3 s, and most tests sign in as one or two of
    the nine users (hashing all nine up front was 2.5 s of every HTML test's setup)."""

    def __init__(self, rt: Runtime, people: People) -> None:
        super().__init__()
        self._rt, self._people = rt, people

    def __missing__(self, name: str) -> str:
        actor = self._people.all()[name]
        self[name] = known_password(self._rt, self._people.admin, actor.username)
        return self[name]


@pytest.fixture
def passwords(sqlite_runtime, web_people) -> dict[str, str]:
    """passwords['director'] → that test user's password."""
    return _PasswordsOnDemand(sqlite_runtime, web_people)


@pytest.fixture
def app(sqlite_runtime):
    app = create_app(runtime=sqlite_runtime)
    app.testing = True
    return app


@pytest.fixture
def browser(app, web_people, passwords):
    """browser('director') → a Browser signed in as that test user."""

    def make(name: str) -> Browser:
        b = Browser(app)
        b.signin(web_people.all()[name].username, passwords[name])
        return b

    return make
