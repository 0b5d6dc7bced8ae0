"""Encryption at rest for personal fields, and blind indexes to find rows without decrypting them.

Why: the database must never hold a resident's name, contact details or story in plaintext, yet staff
need them back and residents need to look up their request by phone or email. Fernet (via MultiFernet,
so keys can rotate: the first key encrypts, every key decrypts) protects the fields; an HMAC of the
normalized contact value lets us match it without storing it readably.

The key is resolved lazily from settings inside the column type, so no session or engine has to carry
it. A service call that was handed explicit Settings activates them with `using(settings)`.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
from functools import lru_cache
from typing import Iterator, Optional

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.types import Text, TypeDecorator

from bot.settings import ConfigurationError, Settings, get_settings

_active: contextvars.ContextVar[Optional[Settings]] = contextvars.ContextVar("mediation_settings", default=None)


class DecryptionError(RuntimeError):
    """A stored value cannot be decrypted with any configured key (wrong or rotated-away key)."""


def active_settings() -> Settings:
    """Settings activated by `using()` in this context, else the process-wide settings."""
    return _active.get() or get_settings()


@contextlib.contextmanager
def using(settings: Optional[Settings]) -> Iterator[Settings]:
    """Make `settings` the ones encryption uses for the duration of the block (None = process settings)."""
    if settings is None:
        yield active_settings()
        return
    token = _active.set(settings)
    try:
        yield settings
    finally:
        _active.reset(token)


@lru_cache(maxsize=16)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ConfigurationError("MEDIATION_ENCRYPTION_KEY is empty; set one or more Fernet keys.")
    try:
        return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(
            "MEDIATION_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64 bytes). "
            "Generate one with `mediation-admin generate-key`."
        ) from exc


def fernet(settings: Optional[Settings] = None) -> MultiFernet:
    return _multifernet(tuple((settings or active_settings()).encryption_keys))


def encrypt_bytes(data: bytes, settings: Optional[Settings] = None) -> bytes:
    return fernet(settings).encrypt(data)


def decrypt_bytes(token: bytes, settings: Optional[Settings] = None) -> bytes:
    try:
        return fernet(settings).decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError("Stored data cannot be decrypted with the configured MEDIATION_ENCRYPTION_KEY.") from exc


def encrypt_text(value: Optional[str], settings: Optional[Settings] = None) -> Optional[str]:
    if value is None:
        return None
    return encrypt_bytes(value.encode("utf-8"), settings).decode("ascii")


def decrypt_text(value: Optional[str], settings: Optional[Settings] = None) -> Optional[str]:
    if value is None:
        return None
    return decrypt_bytes(value.encode("ascii"), settings).decode("utf-8")


def blind_index(value: Optional[str], settings: Optional[Settings] = None) -> Optional[str]:
    """HMAC-SHA256 (hex) of an already-normalized value, keyed with MEDIATION_SECRET_KEY. None stays None."""
    if value is None or value == "":
        return None
    key = (settings or active_settings()).secret_key.encode("utf-8")
    return hmac.new(key, b"blind-index:v1:" + value.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedText(TypeDecorator):
    """A Text column whose value is Fernet-encrypted on the way in and decrypted on the way out."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"EncryptedText expects str, got {type(value).__name__}")
        return encrypt_text(value)

    def process_result_value(self, value, dialect):
        return decrypt_text(value)
