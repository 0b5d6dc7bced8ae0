"""Staff accounts: creation, password checks and throttling of repeated failed sign-ins.

Why here and not in the Flask app: the CLI (`mediation-admin create-user`) and the dashboard must apply
the same password rules, hashing and lockout, and both must audit the same way.

Passwords are hashed with argon2id (argon2-cffi defaults). After MAX_FAILURES wrong passwords in a row
an account is locked for LOCK_MINUTES; while locked, even the right password is refused (so guessing
cannot continue), and a successful sign-in resets the counter. Unknown emails still cost one hash
verification so response time does not reveal which emails have accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from bot.db import audit
from bot.db.models import User
from bot.settings import get_settings

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
ROLES = ("staff", "admin")

# argon2id with argon2-cffi's defaults (~0.2 s a hash on this hardware); tests may ask for cheap parameters.
_HASHERS = {"default": PasswordHasher(), "fast": PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)}
_DUMMY_HASHES: dict[str, str] = {}


def _hasher() -> PasswordHasher:
    return _HASHERS[get_settings().password_hashing]


def _dummy_hash() -> str:
    """A hash to verify against for unknown accounts, so timing doesn't reveal which accounts exist."""
    profile = get_settings().password_hashing
    if profile not in _DUMMY_HASHES:
        _DUMMY_HASHES[profile] = _HASHERS[profile].hash("not-a-real-password-used-for-timing-only")
    return _DUMMY_HASHES[profile]


class UserError(ValueError):
    """Invalid account data; str(exc) is a message for the person creating the account."""


@dataclass(frozen=True)
class AuthResult:
    ok: bool
    user_id: Optional[int] = None
    email: Optional[str] = None
    role: Optional[str] = None
    locked_until: Optional[datetime] = None
    message: str = ""


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def check_password(password: str) -> Optional[str]:
    """A message when the password is unacceptable, else None."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return f"The password must be at least {MIN_PASSWORD_LENGTH} characters long."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"The password must be at most {MAX_PASSWORD_LENGTH} characters long."
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def find_user(session, email: str):
    return session.execute(select(User).where(User.email == normalize_email(email))).scalar_one_or_none()


def create_user(session, email: str, password: str, role: str = "staff", *, actor: str = "cli"):
    """Create an account. Raises UserError with a readable message on bad input or a duplicate email."""
    email = normalize_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@") or len(email) > 254:
        raise UserError("Enter a valid email address, like name@example.org.")
    if role not in ROLES:
        raise UserError(f"The role must be one of: {', '.join(ROLES)}.")
    problem = check_password(password)
    if problem:
        raise UserError(problem)
    if find_user(session, email) is not None:
        raise UserError(f"An account for {email} already exists.")
    user = User(email=email, password_hash=hash_password(password), role=role, is_active=True, failed_logins=0)
    session.add(user)
    session.flush()
    audit.record(session, actor, "create_user", detail={"user_id": user.id, "role": role})
    return user


def set_password(session, user, password: str, *, actor: str) -> None:
    problem = check_password(password)
    if problem:
        raise UserError(problem)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, actor, "update_user", detail={"user_id": user.id, "change": "password"})


def count_admins(session) -> int:
    return session.execute(
        select(func.count()).select_from(User).where(User.role == "admin", User.is_active.is_(True))
    ).scalar_one()


def _aware(value: Optional[datetime]) -> Optional[datetime]:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def authenticate(
    session, email: str, password: str, *, now: Optional[datetime] = None, source: Optional[str] = None
) -> AuthResult:
    """Check a sign-in attempt, update throttling counters and audit the outcome.

    `source` (e.g. the client IP) is recorded in the audit detail. The caller commits.
    """
    now = now or datetime.now(timezone.utc)
    email = normalize_email(email)
    user = find_user(session, email) if email else None
    detail = {"source": source} if source else {}
    failed = AuthResult(ok=False, message="The email or password is not correct.")

    if user is None or not user.is_active:
        try:
            _hasher().verify(_dummy_hash(), password or "")
        except VerificationError:
            pass
        # The typed text is not recorded for unknown accounts: people sometimes type a password there.
        actor = user.email if user is not None else "(unknown account)"
        audit.record(session, actor, "sign_in_failed", detail={**detail, "reason": "unknown_or_inactive"})
        return failed

    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > now:
        audit.record(session, user.email, "sign_in_failed", detail={**detail, "reason": "locked"})
        return AuthResult(
            ok=False,
            locked_until=locked_until,
            message=f"This account is locked after {MAX_FAILURES} failed sign-ins. "
            f"Try again in {max(1, int((locked_until - now).total_seconds() // 60) + 1)} minutes, "
            "or ask an admin to unlock it.",
        )

    try:
        _hasher().verify(user.password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        user.failed_logins = (user.failed_logins or 0) + 1
        reason = "wrong_password"
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
            reason = "wrong_password_locked"
            audit.record(session, user.email, "sign_in_failed", detail={**detail, "reason": reason})
            return AuthResult(
                ok=False,
                locked_until=user.locked_until,
                message=f"Too many failed sign-ins. This account is locked for {LOCK_MINUTES} minutes.",
            )
        audit.record(session, user.email, "sign_in_failed", detail={**detail, "reason": reason})
        return failed

    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(session, user.email, "sign_in", detail=detail or None)
    return AuthResult(ok=True, user_id=user.id, email=user.email, role=user.role)


def unlock(session, user, *, actor: str) -> None:
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, actor, "update_user", detail={"user_id": user.id, "change": "unlock"})


def set_active(session, user, active: bool, *, actor: str) -> None:
    if not active and user.role == "admin" and user.is_active and count_admins(session) <= 1:
        raise UserError("This is the last active admin account; create another admin first.")
    user.is_active = active
    audit.record(
        session, actor, "update_user", detail={"user_id": user.id, "change": "activate" if active else "deactivate"}
    )
