"""Settings, read once from ``GOVFLOW_*`` environment variables.

Every setting the engine or the web layer reads lives here, so the README's
configuration table can be checked against one file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from engine.core.errors import ConfigurationError
from engine.core.passwords import DEFAULT_PROFILE, PROFILES, TEST_ONLY_PROFILES

PREFIX = "GOVFLOW_"
REPO_ROOT = Path(__file__).resolve().parents[2]


# A setting with a default is always a string; one without may be unset (None).
@overload
def _env(name: str, default: str) -> str: ...


@overload
def _env(name: str, default: None = None) -> str | None: ...


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(PREFIX + name)
    return value if value not in (None, "") else default


def _years(name: str, default: str) -> int:
    """A whole number of years, 1 or more; anything else stops start-up naming the setting."""
    value = _env(name, default)
    if not (value.isdecimal() and int(value) >= 1):
        raise ConfigurationError(
            f"ค่า {PREFIX}{name} ต้องเป็นจำนวนปีเต็ม ตั้งแต่ 1 ขึ้นไป: {value!r} / "
            f"{PREFIX}{name} must be a whole number of years, 1 or more: {value!r}")
    return int(value)


@dataclass(frozen=True)
class Settings:
    """What one govflow process runs with.

    ``environment`` is ``development`` (the default, for ``make run`` and tests) or
    ``production``; in production, missing secrets are start-up errors instead of
    being generated under ``instance/``.
    """

    instance_dir: Path = field(default_factory=lambda: REPO_ROOT / "instance")
    processes_dir: Path = field(default_factory=lambda: REPO_ROOT / "processes")
    database_url: str | None = None
    data_key: str | None = None
    #: The key of the blind index of names (HMAC), kept apart from the data key.
    name_index_key: str | None = None
    secret_key: str | None = None
    environment: str = "development"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "govflow@localhost"
    smtp_starttls: bool = False
    #: Where rate-limit counters live; share one (e.g. redis://127.0.0.1:6379) across workers.
    ratelimit_storage_uri: str = "memory://"
    #: Per client address, for the public complaint endpoints (filing and tracking).
    public_rate_limit: str = "30/hour"
    #: Sign-in attempts per client address and user name.
    signin_rate_limit: str = "10/minute"
    #: The office's name, address, phone and logo for letters and reports (TOML).
    office_file: Path | None = None
    #: The address citizens reach govflow at, for links in e-mails (e.g. the tracking page).
    public_url: str = "http://127.0.0.1:8000"
    #: Reverse proxies in front of govflow whose X-Forwarded-* headers are believed (0: none).
    trusted_proxies: str = "0"
    #: Seconds after which /healthz reports the scheduler as stopped (no newer heartbeat).
    heartbeat_max_age: float = 30.0
    #: Seconds after which an unsent e-mail or undrawn letter makes /healthz report the
    #: outbox stuck (and lists it on the administrators' outbox page).
    outbox_stuck_after: float = 3600.0
    #: How many years back a case's received date (วันที่ได้รับเรื่อง) may be; older, like
    #: a date in the future, is refused as a mistyped year.
    received_date_max_years: int = 1
    #: The argon2 profile passwords are hashed under (engine.core.passwords.PROFILES).
    password_profile: str = DEFAULT_PROFILE

    def __post_init__(self) -> None:
        if self.password_profile not in PROFILES:
            raise ConfigurationError(
                f"ค่า {PREFIX}PASSWORD_PROFILE ต้องเป็นหนึ่งใน {', '.join(PROFILES)}: "
                f"{self.password_profile!r} / {PREFIX}PASSWORD_PROFILE must be one of "
                f"{', '.join(PROFILES)}: {self.password_profile!r}")
        if self.is_production and self.password_profile in TEST_ONLY_PROFILES:
            raise ConfigurationError(
                f"{PREFIX}PASSWORD_PROFILE={self.password_profile} ใช้ได้เฉพาะการทดสอบ "
                f"ห้ามใช้เมื่อ {PREFIX}ENV=production / {PREFIX}PASSWORD_PROFILE="
                f"{self.password_profile} is for tests only, never with {PREFIX}ENV=production")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "instance_dir": Path(_env("INSTANCE_DIR", str(REPO_ROOT / "instance"))),
            "processes_dir": Path(_env("PROCESSES_DIR", str(REPO_ROOT / "processes"))),
            "database_url": _env("DATABASE_URL"),
            "data_key": _env("DATA_KEY"),
            "name_index_key": _env("NAME_INDEX_KEY"),
            "secret_key": _env("SECRET_KEY"),
            "environment": _env("ENV", "development"),
            "smtp_host": _env("SMTP_HOST"),
            "smtp_port": int(_env("SMTP_PORT", "25") or 25),
            "smtp_user": _env("SMTP_USER"),
            "smtp_password": _env("SMTP_PASSWORD"),
            "smtp_from": _env("SMTP_FROM", "govflow@localhost"),
            "smtp_starttls": (_env("SMTP_STARTTLS", "false") or "").lower() in ("1", "true"),
            "ratelimit_storage_uri": _env("RATELIMIT_STORAGE_URI", "memory://"),
            "public_rate_limit": _env("PUBLIC_RATE_LIMIT", "30/hour"),
            "signin_rate_limit": _env("SIGNIN_RATE_LIMIT", "10/minute"),
            "office_file": Path(office) if (office := _env("OFFICE_FILE")) else None,
            "public_url": _env("PUBLIC_URL", "http://127.0.0.1:8000"),
            "trusted_proxies": _env("TRUSTED_PROXIES", "0"),
            "heartbeat_max_age": float(_env("HEARTBEAT_MAX_AGE", "30") or 30),
            "outbox_stuck_after": float(_env("OUTBOX_STUCK_AFTER", "3600") or 3600),
            "received_date_max_years": _years("RECEIVED_DATE_MAX_YEARS", "1"),
            "password_profile": _env("PASSWORD_PROFILE", DEFAULT_PROFILE),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def resolved_office_file(self) -> Path:
        return self.office_file or self.processes_dir / "office.toml"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.instance_dir / 'govflow.db'}"
