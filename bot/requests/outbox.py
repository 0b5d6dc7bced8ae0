"""A durable, encrypted spool for submissions made while the database is unreachable.

Why: a resident who has just told us about an encounter with the police must not lose their request
because the database restarted. The submission (already carrying its reference and submission key) is
written atomically to MEDIATION_OUTBOX_DIR, Fernet-encrypted with the same keys as the database fields,
and delivered idempotently once the database is back; a file is deleted only after its row is committed.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from bot.db import crypto
from bot.requests.store import is_unreachable, log_unreachable, notify_stored, store_record
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)

SUFFIX = ".spool"

_delivery_lock = threading.Lock()
_background: Optional["BackgroundDelivery"] = None
_background_lock = threading.Lock()


@dataclass(frozen=True)
class FlushReport:
    delivered: int
    remaining: int
    unreachable: bool  # True → stopped because the database could not be reached


def _dir(settings: Settings) -> Path:
    return Path(settings.outbox_dir)


def _ensure_dir(settings: Settings) -> Path:
    path = _dir(settings)
    path.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def spool(record: dict, settings: Optional[Settings] = None) -> Path:
    """Write `record` (with `reference` and `submission_key`) encrypted and atomically; returns the file."""
    settings = settings or get_settings()
    directory = _ensure_dir(settings)
    token = crypto.encrypt_bytes(json.dumps(record, sort_keys=True).encode("utf-8"), settings)
    final = directory / f"{record['submission_key']}{SUFFIX}"
    tmp = directory / f".{record['submission_key']}.{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(token)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(directory)
    log.warning("Request %s kept in the outbox until the database is reachable.", record["reference"])
    return final


def pending_files(settings: Optional[Settings] = None) -> list[Path]:
    """Spooled files, oldest first."""
    directory = _dir(settings or get_settings())
    if not directory.is_dir():
        return []
    files = []
    for path in directory.glob(f"*{SUFFIX}"):
        try:
            files.append((path.stat().st_mtime, path.name, path))
        except FileNotFoundError:
            continue  # delivered by another process meanwhile
    return [p for _, _, p in sorted(files)]


def has_pending(settings: Optional[Settings] = None) -> bool:
    return bool(pending_files(settings))


def read(path: Path, settings: Optional[Settings] = None) -> Optional[dict]:
    """Decrypt one spooled file; None if it vanished or cannot be decrypted (logged, file left in place)."""
    try:
        token = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return json.loads(crypto.decrypt_bytes(token, settings or get_settings()))
    except (crypto.DecryptionError, ValueError) as exc:
        log.error("Outbox file %s cannot be read (%s); it is kept for an operator.", path.name, type(exc).__name__)
        return None


def iter_pending(settings: Optional[Settings] = None) -> Iterator[tuple[Path, dict]]:
    settings = settings or get_settings()
    for path in pending_files(settings):
        record = read(path, settings)
        if record is not None:
            yield path, record


def find(
    settings: Optional[Settings] = None, *, reference: Optional[str] = None, submission_key: Optional[str] = None
) -> Optional[dict]:
    """The spooled record with this reference or submission key, if any."""
    settings = settings or get_settings()
    if submission_key is not None:
        path = _dir(settings) / f"{submission_key}{SUFFIX}"
        return read(path, settings) if path.exists() else None
    if reference is None:
        return None
    for _, record in iter_pending(settings):
        if record.get("reference") == reference:
            return record
    return None


def remove(settings: Optional[Settings] = None, *, submission_key: str) -> None:
    """Delete a spooled submission (only once it is committed to the database)."""
    path = _dir(settings or get_settings()) / f"{submission_key}{SUFFIX}"
    path.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def flush(settings: Optional[Settings] = None, *, wait: bool = False) -> FlushReport:
    """Deliver spooled submissions, oldest first; stops at the first database failure.

    Only one flush runs at a time in a process; with `wait=False` a concurrent call returns at once.
    Delivery is idempotent, so flushes in several processes are safe too.
    """
    settings = settings or get_settings()
    if not _delivery_lock.acquire(blocking=wait):
        return FlushReport(delivered=0, remaining=len(pending_files(settings)), unreachable=False)
    delivered = 0
    unreachable = False
    try:
        for path, record in iter_pending(settings):
            try:
                reference, duplicate = store_record(record, settings, via="outbox")
            except Exception as exc:
                if not is_unreachable(exc):
                    log.error("Outbox delivery of %s failed: %s", record.get("reference"), type(exc).__name__)
                    continue
                log_unreachable(exc, "outbox delivery")
                unreachable = True
                break
            path.unlink(missing_ok=True)
            _fsync_dir(path.parent)
            if not duplicate:
                delivered += 1
                log.info("Outbox delivered request %s.", reference)
                notify_stored(reference, settings)
    finally:
        _delivery_lock.release()
    return FlushReport(delivered=delivered, remaining=len(pending_files(settings)), unreachable=unreachable)


def deliver_pending(settings: Optional[Settings] = None) -> int:
    """Flush the outbox (waiting for a flush already running); returns how many submissions were delivered."""
    return flush(settings, wait=True).delivered


class BackgroundDelivery(threading.Thread):
    """Daemon thread that flushes the outbox every `interval_seconds` (first try at once)."""

    def __init__(self, interval_seconds: float, settings: Optional[Settings]) -> None:
        super().__init__(name="outbox-delivery", daemon=True)
        self.interval_seconds = interval_seconds
        self._settings = settings
        self._stop_event = threading.Event()

    def run(self) -> None:
        while True:
            try:
                settings = self._settings or get_settings()
                if has_pending(settings):
                    flush(settings)
            except Exception as exc:  # noqa: BLE001 - keep the thread alive; try again next round
                log.error("Outbox background delivery error: %s", type(exc).__name__)
            if self._stop_event.wait(self.interval_seconds):
                return

    def stop(self, timeout: Optional[float] = 5) -> None:
        self._stop_event.set()
        self.join(timeout)


def start_background_delivery(interval_seconds: float = 30, settings: Optional[Settings] = None) -> BackgroundDelivery:
    """Start (once per process) the thread that delivers the outbox; returns it (call `.stop()` to end it)."""
    global _background
    with _background_lock:
        if _background is None or not _background.is_alive():
            _background = BackgroundDelivery(interval_seconds, settings)
            _background.start()
        return _background


def stop_background_delivery() -> None:
    global _background
    with _background_lock:
        if _background is not None:
            _background.stop()
            _background = None
