"""Configuration from the environment, read in one place: every variable the project reads is a field here.

Why: the same settings drive three processes (Rasa, the action server, the staff app), the CLI and the
scripts. Reading them here keeps defaults, development conveniences and production refusals consistent,
and gives a newcomer one list (also in the README) of what can be configured.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from cryptography.fernet import Fernet

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODES = ("development", "test", "production")
PASSWORD_HASHING = ("default", "fast")


class ConfigurationError(RuntimeError):
    """A setting is missing or invalid; the message says which one and how to fix it."""


def _dev_secret(path: Path, make) -> str:
    """Read a development key from `path`, creating it (mode 0600 from the start) on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value + "\n")
    log.warning("Development mode: generated a local key at %s. Never use it in production.", path)
    return value


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    encryption_keys: tuple[str, ...]
    secret_key: str
    outbox_dir: Path
    timezone: str
    retention_days: int
    staff_base_url: str
    https: bool
    cors_origins: tuple[str, ...]
    var_dir: Path = PROJECT_ROOT / "var"
    policy_file: Optional[Path] = None  # an edited eligibility policy (default: the packaged policy.yml)
    tracker_ttl_minutes: float = 60  # idle conversations are forgotten after this
    staff_idle_minutes: int = 30
    rasa_public_url: str = "http://localhost:5005"  # the Rasa server as residents' browsers reach it
    background_delivery: bool = False  # the action server delivers the outbox by itself
    delivery_interval_seconds: float = 30
    password_hashing: str = "default"  # "fast" (cheap argon2 parameters) only for tests
    rasa_port: int = 5005
    action_port: int = 5055
    staff_port: int = 8000
    action_server_url: str = "http://127.0.0.1:5055/webhook"  # also read by Rasa itself (endpoints.yml)
    smtp_host: Optional[str] = None
    smtp_port: int = 25
    smtp_user: Optional[str] = None
    smtp_password: Optional[str] = None
    smtp_from: str = "mediation-assistant@localhost"
    staff_notify_to: tuple[str, ...] = field(default_factory=tuple)
    twilio_auth_token: Optional[str] = None
    sms_public_url: Optional[str] = None
    sms_sender_key: Optional[str] = None

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if env is None else env
        mode = env.get("MEDIATION_ENV", "development").strip().lower()
        if mode not in MODES:
            raise ConfigurationError(f"MEDIATION_ENV must be development, test or production (got {mode!r}).")
        var = Path(env.get("MEDIATION_VAR_DIR") or PROJECT_ROOT / "var")

        keys = env.get("MEDIATION_ENCRYPTION_KEY", "").strip()
        secret = env.get("MEDIATION_SECRET_KEY", "").strip()
        if mode == "production":
            missing = [
                name
                for name, value in (("MEDIATION_ENCRYPTION_KEY", keys), ("MEDIATION_SECRET_KEY", secret))
                if not value
            ]
            if missing:
                raise ConfigurationError(
                    "Refusing to start in production without "
                    + " and ".join(missing)
                    + ". Generate a key with `mediation-admin generate-key` and set it in the environment."
                )
        if not keys:
            keys = _dev_secret(var / "dev-keys" / "encryption.key", lambda: Fernet.generate_key().decode())
        if not secret:
            secret = _dev_secret(var / "dev-keys" / "secret.key", lambda: secrets.token_urlsafe(48))

        def _list(name: str, default: str = "") -> tuple[str, ...]:
            return tuple(p.strip() for p in env.get(name, default).split(",") if p.strip())

        def _number(name: str, default: str, kind=int):
            try:
                return kind(env.get(name) or default)
            except ValueError:
                raise ConfigurationError(f"{name} must be a number (got {env.get(name)!r}).") from None

        def _flag(name: str) -> bool:
            return env.get(name, "").strip().lower() in {"1", "true", "yes"}

        hashing = env.get("MEDIATION_PASSWORD_HASHING", "default").strip().lower()
        if hashing not in PASSWORD_HASHING or (hashing == "fast" and mode != "test"):
            raise ConfigurationError("MEDIATION_PASSWORD_HASHING=fast is only allowed with MEDIATION_ENV=test.")
        action_port = _number("ACTION_PORT", "5055")
        rasa_port = _number("RASA_PORT", "5005")
        staff_port = _number("STAFF_PORT", "8000")
        return cls(
            env=mode,
            database_url=env.get("DATABASE_URL") or f"sqlite:///{var / 'data' / 'mediation.db'}",
            encryption_keys=tuple(k.strip() for k in keys.split(",") if k.strip()),
            secret_key=secret,
            outbox_dir=Path(env.get("MEDIATION_OUTBOX_DIR") or var / "outbox"),
            timezone=env.get("MEDIATION_TIMEZONE", "America/Chicago"),
            retention_days=_number("MEDIATION_RETENTION_DAYS", "365"),
            staff_base_url=env.get("STAFF_BASE_URL", "http://localhost:8000").rstrip("/"),
            https=_flag("HTTPS"),
            cors_origins=_list("CORS_ORIGINS", f"http://localhost:{staff_port},http://127.0.0.1:{staff_port}"),
            var_dir=var,
            policy_file=Path(env["MEDIATION_POLICY_FILE"]) if env.get("MEDIATION_POLICY_FILE") else None,
            tracker_ttl_minutes=_number("MEDIATION_TRACKER_TTL_MINUTES", "60", float),
            staff_idle_minutes=_number("STAFF_IDLE_MINUTES", "30"),
            rasa_public_url=env.get("RASA_PUBLIC_URL") or f"http://localhost:{rasa_port}",
            background_delivery=_flag("MEDIATION_BACKGROUND_DELIVERY"),
            delivery_interval_seconds=_number("MEDIATION_DELIVERY_INTERVAL", "30", float),
            password_hashing=hashing,
            rasa_port=rasa_port,
            action_port=action_port,
            staff_port=staff_port,
            action_server_url=env.get("ACTION_SERVER_URL") or f"http://127.0.0.1:{action_port}/webhook",
            smtp_host=env.get("SMTP_HOST") or None,
            smtp_port=_number("SMTP_PORT", "25"),
            smtp_user=env.get("SMTP_USER") or None,
            smtp_password=env.get("SMTP_PASSWORD") or None,
            smtp_from=env.get("SMTP_FROM", "mediation-assistant@localhost"),
            staff_notify_to=_list("STAFF_NOTIFY_TO"),
            twilio_auth_token=env.get("TWILIO_AUTH_TOKEN") or None,
            sms_public_url=env.get("SMS_PUBLIC_URL") or None,
            sms_sender_key=env.get("SMS_SENDER_KEY") or None,
        )


_cached: Optional[Settings] = None


def get_settings() -> Settings:
    """Process-wide settings, read once. Tests pass explicit Settings instead of relying on this."""
    global _cached
    if _cached is None:
        _cached = Settings.from_env()
    return _cached


def reset_settings_cache() -> None:
    global _cached
    _cached = None
