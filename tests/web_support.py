"""Fixtures for the HTML tests, loaded with ``pytest_plugins = ("tests.web_support",)``.

Users with passwords, an app with CSRF protection on, and signed-in browsers.
"""

from __future__ import annotations

import pytest

from tests.account_support import known_password
from tests.conftest import People
from tests.web_client import Browser
from webui import create_app


@pytest.fixture
def web_people(sqlite_runtime) -> People:
    return People(sqlite_runtime)


@pytest.fixture
def passwords(sqlite_runtime, web_people) -> dict[str, str]:
    """A password for each test user, set the way an administrator would."""
    return {name: known_password(sqlite_runtime, web_people.admin, actor.username)
            for name, actor in web_people.all().items()}


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
