"""Starting and stopping the assistant's processes: one launcher for `make run`, the tests and the benchmark.

Why one: the three processes (Rasa, the action server, the staff app) must be started the same way wherever
they run — Rasa through our entry point (telemetry off, speed-up applied), the action server bound to this
machine only, each in its own process group so a whole tree stops with it, and "up" meaning its health URL
answers. Three copies of that logic had drifted apart; this is the one.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Optional, Sequence, Union

import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(sys.executable).parent
DEFAULT_MODEL = ROOT / "models" / "mediation.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rasa_command(*args: str) -> list[str]:
    """A Rasa CLI command run through bot.rasa_plugins.server (telemetry off, speed-up applied)."""
    return [PYTHON, "-m", "bot.rasa_plugins.server", *args]


def rasa_server(
    model: Union[str, Path], port: int, cors: Sequence[str] = (), interface: str = "127.0.0.1"
) -> list[str]:
    cmd = rasa_command(
        "run", "--model", str(model), "--port", str(port), "--interface", interface,
        "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
    )  # fmt: skip
    return cmd + (["--cors", *cors] if cors else [])


def action_server(port: int) -> list[str]:
    """rasa_sdk directly (not `rasa run actions`, which goes through Rasa's CLI and its telemetry)."""
    return [PYTHON, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]


def staff_app(port: int) -> list[str]:
    return [PYTHON, "-m", "bot.staff", "--port", str(port)]


def action_env(env: dict[str, str]) -> dict[str, str]:
    """The action server runs any action it is asked to: it listens on this machine only."""
    return dict(env, SANIC_HOST="127.0.0.1")


def base_env(extra: Optional[dict[str, str]] = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", SQLALCHEMY_SILENCE_UBER_WARNING="1", TF_CPP_MIN_LOG_LEVEL="2")
    env.update(extra or {})
    return env


def throwaway_env(var: Path, rasa_port: int, action_port: int, **extra: str) -> dict[str, str]:
    """A configuration that touches nothing of the developer's: test mode, fresh keys, a SQLite database and
    outbox under `var`, the SMS channel configured with test secrets (tests and the benchmark)."""
    (var / "data").mkdir(parents=True, exist_ok=True)
    return base_env(
        {
            "MEDIATION_ENV": "test",
            "MEDIATION_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{var / 'data' / 'mediation.db'}",
            "MEDIATION_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "MEDIATION_SECRET_KEY": secrets.token_urlsafe(48),
            "MEDIATION_OUTBOX_DIR": str(var / "outbox"),
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
            "RASA_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}",
            "TWILIO_AUTH_TOKEN": "test-twilio-auth-token",
            "SMS_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}/webhooks/sms/webhook",
            "SMS_SENDER_KEY": "test-sms-sender-key",
            **extra,
        }
    )


def tail(path: Optional[Path], chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:] if path else ""
    except OSError:
        return "(no log)"


@dataclass
class Running:
    name: str
    proc: subprocess.Popen
    log: Optional[Path]


class Processes:
    """Every process started, each in its own process group, so `stop_all()` stops the whole tree."""

    def __init__(self) -> None:
        self.running: dict[str, Running] = {}

    def start(
        self, name: str, cmd: list[str], env: dict[str, str], *, log: Optional[Path] = None, cwd: Path = ROOT,
        append: bool = False,
    ) -> subprocess.Popen:  # fmt: skip
        out: Union[int, IO[str], None] = None
        if log is not None:
            out = log.open("a" if append else "w")
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT if log else None, start_new_session=True
        )
        self.running[name] = Running(name, proc, log)
        return proc

    def run(
        self, name: str, cmd: list[str], env: dict[str, str], *, log: Path, timeout: float, cwd: Path = ROOT
    ) -> float:
        """Run to completion (still stopped by stop_all); returns the wall time in seconds."""
        started = time.monotonic()
        proc = self.start(name, cmd, env, log=log, cwd=cwd)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(name)
            raise RuntimeError(f"{name} did not finish in {timeout:.0f}s; log: {log}") from None
        if code != 0:
            raise RuntimeError(f"{name} failed with exit code {code}; last lines of {log}:\n{tail(log)}")
        return time.monotonic() - started

    def wait_until_up(self, name: str, url: str, timeout: float = 240) -> float:
        """Wait until `url` answers (any HTTP status); returns the seconds it took. Fails if the process died."""
        running = self.running[name]
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if running.proc.poll() is not None:
                raise RuntimeError(f"{name} exited early ({running.proc.returncode}); log:\n{tail(running.log)}")
            try:
                requests.get(url, timeout=2)
                return time.monotonic() - started
            except requests.RequestException:
                time.sleep(0.5)
        raise RuntimeError(f"{name} did not answer at {url} in {timeout:.0f}s; log:\n{tail(running.log)}")

    def alive(self) -> bool:
        return all(r.proc.poll() is None for r in self.running.values())

    def stop(self, name: str, timeout: float = 20) -> None:
        running = self.running.get(name)
        if running is None or running.proc.poll() is not None:
            return
        _signal_group(running.proc, signal.SIGTERM)
        try:
            running.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(running.proc, signal.SIGKILL)
            running.proc.wait(timeout=10)

    def stop_all(self) -> None:
        for running in self.running.values():
            if running.proc.poll() is None:
                _signal_group(running.proc, signal.SIGTERM)
        for name in list(self.running):
            try:
                self.stop(name)
            except Exception as exc:  # noqa: BLE001 - keep stopping the others
                print(f"warning: could not stop {name}: {exc}", file=sys.stderr)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # the group id is the child's pid (start_new_session=True)
    except ProcessLookupError:
        pass
