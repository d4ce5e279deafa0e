"""A real local SMTP server (aiosmtpd) for the e-mail tests (the ``smtp`` fixture in
conftest.py), and a runtime that uses it."""

from __future__ import annotations

import socket

from aiosmtpd.handlers import Message

from engine.core.config import Settings
from engine.workflow.runtime import Runtime


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_smtp(runtime: Runtime, port: int) -> Runtime:
    settings = Settings(**{**runtime.settings.__dict__, "smtp_host": "127.0.0.1",
                           "smtp_port": port})
    return Runtime(settings)
