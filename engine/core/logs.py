"""Logging: one JSON object per line on stderr, with nothing personal in it.

The rule is that personal data is never passed to a logger: ids, counts, codes, states
and exception *types* only. What is here enforces the shape and catches slips:

- :func:`configure` sends every record to stderr as JSON (``ts``, ``level``, ``logger``,
  ``message``, ``process`` and any ``extra=`` fields) or, for developers, as text;
- :class:`RedactPersonalData` replaces the values of personal keys in ``extra`` (and in
  mapping arguments) before anything is written;
- exceptions are written as their types and frames (file, line, function), never their
  messages, which may quote a form value or an SQL parameter;
- libraries that log request paths, SQL parameters or workflow data are held at WARNING
  whatever the level (SpiffWorkflow attaches each task's data to its INFO records).

The settings are read here rather than in engine/core/config.py so logging can be configured
before a Runtime (and its database) exists: ``GOVFLOW_LOG_LEVEL`` and ``GOVFLOW_LOG_FORMAT``.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import IO, Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from engine.core.errors import ConfigurationError
from engine.core.personal_data import PERSONAL_FIELDS

LEVEL_VARIABLE = "GOVFLOW_LOG_LEVEL"
FORMAT_VARIABLE = "GOVFLOW_LOG_FORMAT"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FORMATS = ("json", "text")

#: Loggers held at WARNING whatever GOVFLOW_LOG_LEVEL says. SpiffWorkflow attaches each
#: task's data to its records; SQLAlchemy logs statements with their parameters; werkzeug
#: logs raw paths with query strings (tracking codes, ?secret=); APScheduler logs two
#: lines a second at INFO and adds nothing the scheduler's own pass line does not say.
QUIET_LOGGERS = ("spiff", "sqlalchemy", "werkzeug", "apscheduler")

REDACTED = "[redacted]"
#: Keys whose values are never written. The personal fields of every process, and any
#: key naming a kind of personal data or a credential (a substring match on purpose:
#: ``reporter_phone`` or ``tracking_secret`` is caught without being listed).
PERSONAL_KEYS = frozenset(
    {field for fields in PERSONAL_FIELDS.values() for field in fields}
    | {"name", "full_name", "display_name", "first_name", "last_name", "surname"}
)
PERSONAL_FRAGMENTS = (
    "complainant", "accused", "phone", "email", "e_mail", "address", "national_id",
    "citizen_id", "id_card", "secret", "password", "token", "tracking_code",
    # A search of names by what the person typed (engine.core.name_index).
    "search_term", "name_term",
)

#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(RESERVED_ATTRS) | {"message", "asctime", "taskName"}
#: Marks the handler configure() installs, so a second call replaces it.
_MARK = "_govflow_handler"
_MAX_DEPTH = 6


def personal_key(key: object) -> bool:
    name = str(key).lower()
    return name in PERSONAL_KEYS or any(fragment in name for fragment in PERSONAL_FRAGMENTS)


def _clean(value: Any, depth: int = 0) -> Any:
    """``value`` with the values of personal keys replaced, in nested dicts and lists too
    (a copy; the caller's objects are not changed)."""
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, Mapping):
        return {k: REDACTED if personal_key(k) else _clean(v, depth + 1)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v, depth + 1) for v in value)
    return value


class RedactPersonalData(logging.Filter):
    """Defence in depth: replaces the values of personal keys given in ``extra``, in a
    mapping passed as the message's arguments, or in a dict logged as the message.
    Never drops a record: a redacted line still says that something happened."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in list(vars(record).items()):
            if key in _STANDARD:
                continue
            setattr(record, key, REDACTED if personal_key(key) else _clean(value))
        if isinstance(record.args, Mapping):
            record.args = _clean(record.args)
        if isinstance(record.msg, Mapping):
            record.msg = _clean(record.msg)
        return True


# ---- exceptions without their messages ---------------------------------------------------


def frames(error: BaseException) -> list[str]:
    """Where ``error`` went through, innermost last, as ``file:line in function``."""
    return [f"{frame.filename}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(error.__traceback__)]


def _chain(error: BaseException) -> list[BaseException]:
    """``error`` and the exceptions it was raised from or while handling, oldest first."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__)
    return chain[::-1]


def error_fields(error: BaseException) -> dict[str, Any]:
    """``extra=`` fields describing an exception: its type, its frames and the types of the
    exceptions it came from. Never its message: that may quote a form value, an e-mail
    address an SMTP server refused, or an SQL statement's parameters."""
    return {
        "error_type": type(error).__name__,
        "error_frames": frames(error),
        "error_chain": [type(e).__name__ for e in _chain(error)[:-1]],
    }


def safe_traceback(error: BaseException) -> str:
    """A traceback as Python prints it, with every exception's message left out."""
    parts: list[str] = []
    for n, link in enumerate(_chain(error)):
        if n:
            parts.append("The exception above led to:")
        parts.append("Traceback (most recent call last; message withheld):")
        parts.extend(f"  File \"{f.filename}\", line {f.lineno}, in {f.name}"
                     for f in traceback.extract_tb(link.__traceback__))
        parts.append(f"{type(link).__module__}.{type(link).__qualname__}")
    return "\n".join(parts)


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def _format_exception(ei: ExcInfo) -> str:
    return safe_traceback(ei[1]) if ei[1] is not None else ""


# ---- formatters --------------------------------------------------------------------------


class _Json(JsonFormatter):
    """python-json-logger's formatter, with ``ts`` first and exceptions without messages."""

    def formatException(self, ei: ExcInfo) -> str:
        return _format_exception(ei)

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {"ts": log_data.pop("ts", None), **log_data}


class _Text(logging.Formatter):
    """For developers: a readable line with the ``extra`` fields as key=value."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def formatException(self, ei: ExcInfo) -> str:
        return _format_exception(ei)

    def format(self, record: logging.LogRecord) -> str:
        # Never reuse a traceback another handler cached on the record: it has messages.
        cached, record.exc_text = record.exc_text, None
        try:
            text = super().format(record)
        finally:
            record.exc_text = cached
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if not extras:
            return text
        first, _, rest = text.partition("\n")
        fields = " ".join(f"{k}={v!r}" for k, v in extras.items())
        return f"{first} {fields}" + (f"\n{rest}" if rest else "")


def json_formatter() -> logging.Formatter:
    return _Json(
        "{levelname}{name}{message}{process}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="ts",
    )


def text_formatter() -> logging.Formatter:
    return _Text("%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s")


# ---- settings and configuration ----------------------------------------------------------


class _Stderr(logging.StreamHandler[IO[str]]):
    """Writes to whatever ``sys.stderr`` is when a record comes, not the one at start-up,
    like logging's own last-resort handler: a test runner or click's CliRunner that swaps
    stderr for a while leaves no handler writing to a closed stream."""

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        pass  # always sys.stderr


def _choice(raw: str | None, variable: str, default: str, allowed: tuple[str, ...]) -> str:
    value = (raw or "").strip().upper() or default.upper()
    allowed_upper = tuple(a.upper() for a in allowed)
    if value not in allowed_upper:
        raise ConfigurationError(
            f"{variable}={raw!r} ไม่ถูกต้อง / is not valid: use one of {', '.join(allowed)} "
            f"(default {default})."
        )
    return allowed[allowed_upper.index(value)]


def settings_from(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(level, format) from GOVFLOW_LOG_LEVEL (default INFO) and GOVFLOW_LOG_FORMAT
    (default json), case-insensitive; an unknown value is a ConfigurationError naming
    the variable and the values it takes."""
    env = os.environ if environ is None else environ
    return (_choice(env.get(LEVEL_VARIABLE), LEVEL_VARIABLE, "INFO", LEVELS),
            _choice(env.get(FORMAT_VARIABLE), FORMAT_VARIABLE, "json", FORMATS))


def configure(*, level: str | None = None, fmt: str | None = None,
              stream: IO[str] | None = None,
              environ: Mapping[str, str] | None = None) -> logging.Handler:
    """Send every log record to ``stream`` (stderr) in the configured format; return the
    handler. ``level`` and ``fmt`` override the environment (tests). Calling it again
    replaces govflow's handler instead of adding a second one, and leaves handlers that
    others installed (pytest's, a server's) alone."""
    env_level, env_fmt = settings_from(environ)
    level = _choice(level, "level", env_level, LEVELS) if level else env_level
    fmt = _choice(fmt, "format", env_fmt, FORMATS) if fmt else env_fmt
    handler = logging.StreamHandler(stream) if stream is not None else _Stderr()
    handler.setFormatter(json_formatter() if fmt == "json" else text_formatter())
    handler.addFilter(RedactPersonalData())
    setattr(handler, _MARK, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    quiet = max(logging.WARNING, logging.getLevelName(level))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
    return handler
