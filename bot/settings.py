"""Configuration from the environment, read in one place.

Why: the same settings drive three processes (Rasa, the action server, the staff app) and the CLI.
Reading them here keeps defaults, development conveniences and production refusals consistent.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """A setting is missing or invalid; the message says which one and how to fix it."""


def _var_dir(env: Mapping[str, str]) -> Path:
    return Path(env.get("MEDIATION_VAR_DIR") or PROJECT_ROOT / "var")


def _dev_secret(path: Path, make) -> str:
    """Read a development key from `path`, creating it on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    path.write_text(value + "\n")
    os.chmod(path, 0o600)
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
        if mode not in {"development", "production", "test"}:
            raise ConfigurationError(f"MEDIATION_ENV must be development, test or production (got {mode!r}).")
        var = _var_dir(env)

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
            from cryptography.fernet import Fernet

            keys = _dev_secret(var / "dev-keys" / "encryption.key", lambda: Fernet.generate_key().decode())
        if not secret:
            import secrets

            secret = _dev_secret(var / "dev-keys" / "secret.key", lambda: secrets.token_urlsafe(48))

        try:
            retention = int(env.get("MEDIATION_RETENTION_DAYS", "365"))
            smtp_port = int(env.get("SMTP_PORT", "25"))
        except ValueError as exc:
            raise ConfigurationError(f"A numeric setting is not a number: {exc}") from exc

        def _list(name: str, default: str = "") -> tuple[str, ...]:
            return tuple(p.strip() for p in env.get(name, default).split(",") if p.strip())

        return cls(
            env=mode,
            database_url=env.get("DATABASE_URL") or f"sqlite:///{var / 'data' / 'mediation.db'}",
            encryption_keys=tuple(k.strip() for k in keys.split(",") if k.strip()),
            secret_key=secret,
            outbox_dir=Path(env.get("MEDIATION_OUTBOX_DIR") or var / "outbox"),
            timezone=env.get("MEDIATION_TIMEZONE", "America/Chicago"),
            retention_days=retention,
            staff_base_url=env.get("STAFF_BASE_URL", "http://localhost:8000").rstrip("/"),
            https=env.get("HTTPS", "").lower() in {"1", "true", "yes"},
            cors_origins=_list("CORS_ORIGINS", "http://localhost:8000"),
            smtp_host=env.get("SMTP_HOST") or None,
            smtp_port=smtp_port,
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
