"""The real stack for end-to-end tests: Rasa server + action server + staff app, started once per session.

Why: the issues ask for tests that talk to the real thing. Starting the three processes is slow (the Rasa
server loads TensorFlow and the model), so one session-scoped `stack` is shared by every e2e, channel and
browser test. Each test uses its own conversation id, so tests don't see each other's conversations.
The stack writes to a throw-away SQLite database and var/ folder, never to the developer's.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "mediation.tar.gz"

TWILIO_TEST_TOKEN = "test-twilio-auth-token"
SMS_TEST_SENDER_KEY = "test-sms-sender-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited early ({proc.returncode}); log:\n{log.read_text()[-4000:]}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up in {timeout}s; log:\n{log.read_text()[-4000:]}")


@dataclass
class Stack:
    rasa_url: str
    action_url: str
    staff_url: str
    env: dict
    workdir: Path
    logs: dict = field(default_factory=dict)
    procs: dict = field(default_factory=dict)

    # --- talking -------------------------------------------------------------------------------------
    def send(self, sender: str, text: str, metadata: Optional[dict] = None) -> list[dict]:
        body = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        response = requests.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def conversation(self, metadata: Optional[dict] = None) -> "Conversation":
        return Conversation(self, f"test-{uuid.uuid4().hex}", metadata)

    # --- staff side ----------------------------------------------------------------------------------
    def admin(self, *args: str, input_text: Optional[str] = None, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "mediation-admin"), *args],
            cwd=ROOT,
            env=self.env,
            input=input_text,
            capture_output=True,
            text=True,
            timeout=120,
            check=check,
        )

    def export(self) -> list[dict]:
        return json.loads(self.admin("export", "--format", "json").stdout)

    def find_request(self, reference: str) -> Optional[dict]:
        return next((r for r in self.export() if r["reference"] == reference), None)

    def restart_actions(self, **env_overrides: str) -> None:
        """Restart the action server on the same port with some settings changed (e.g. a broken database)."""
        proc = self.procs["actions"]
        proc.terminate()
        proc.wait(timeout=20)
        port = self.action_url.rsplit(":", 1)[1]
        log = self.logs["actions"]
        self.procs["actions"] = subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", port],
            cwd=ROOT,
            env=dict(self.env, SANIC_HOST="127.0.0.1", **env_overrides),
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_until_up(f"{self.action_url}/health", self.procs["actions"], log)

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs.values() if path.exists())


class Conversation:
    """One resident's chat: `say()` returns the bot's texts; `last` keeps the full last reply."""

    def __init__(self, stack: Stack, sender: str, metadata: Optional[dict] = None):
        self.stack, self.sender, self.metadata = stack, sender, metadata
        self.last: list[dict] = []

    def say(self, text: str) -> str:
        self.last = self.stack.send(self.sender, text, self.metadata)
        return "\n".join(m.get("text", "") for m in self.last)

    def buttons(self) -> list[dict]:
        return [b for m in self.last for b in m.get("buttons") or []]

    def click(self, title: str) -> str:
        """Press the button with this title in the last reply (fails if the bot didn't offer it)."""
        offered = {b["title"]: b["payload"] for b in self.buttons()}
        assert title in offered, f"no button {title!r} in {list(offered)}; last reply: {self.last}"
        return self.say(offered[title])


def start_stack(tmp: Path) -> Stack:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}; run `make train` (make test does it for you).")
    from cryptography.fernet import Fernet

    rasa_port, action_port, staff_port = free_port(), free_port(), free_port()
    var = tmp / "var"
    env = dict(os.environ)
    env.update(
        {
            "MEDIATION_ENV": "test",
            "MEDIATION_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{var / 'data' / 'e2e.db'}",
            "MEDIATION_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "MEDIATION_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
            "MEDIATION_OUTBOX_DIR": str(var / "outbox"),
            "MEDIATION_BACKGROUND_DELIVERY": "1",
            "MEDIATION_DELIVERY_INTERVAL": "2",
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
            "TWILIO_AUTH_TOKEN": TWILIO_TEST_TOKEN,
            "SMS_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}/webhooks/sms/webhook",
            "SMS_SENDER_KEY": SMS_TEST_SENDER_KEY,
            "RASA_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}",
            "CORS_ORIGINS": f"http://127.0.0.1:{staff_port}",
            "STAFF_BASE_URL": f"http://127.0.0.1:{staff_port}",
        }
    )
    (var / "data").mkdir(parents=True, exist_ok=True)
    subprocess.run([str(BIN / "mediation-admin"), "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)

    stack = Stack(
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        action_url=f"http://127.0.0.1:{action_port}",
        staff_url=f"http://127.0.0.1:{staff_port}",
        env=env,
        workdir=tmp,
    )
    specs = {
        "actions": (
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
            dict(env, SANIC_HOST="127.0.0.1"),
            f"{stack.action_url}/health",
        ),
        "rasa": (
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                str(MODEL),
                "--port",
                str(rasa_port),
                "--interface",
                "127.0.0.1",
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
                "--cors",
                f"http://127.0.0.1:{staff_port}",
            ],
            env,
            f"{stack.rasa_url}/",
        ),
        "staff": ([sys.executable, "-m", "bot.staff", "--port", str(staff_port)], env, f"{stack.staff_url}/health"),
    }
    try:
        for name, (cmd, proc_env, _) in specs.items():
            log = tmp / f"{name}.log"
            stack.logs[name] = log
            stack.procs[name] = subprocess.Popen(
                cmd, cwd=ROOT, env=proc_env, stdout=log.open("w"), stderr=subprocess.STDOUT
            )
        for name, (_, _, url) in specs.items():
            wait_until_up(url, stack.procs[name], stack.logs[name])
    except Exception:
        stop_stack(stack)
        raise
    return stack


def stop_stack(stack: Stack) -> None:
    for proc in stack.procs.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in stack.procs.values():
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    started = start_stack(tmp_path_factory.mktemp("stack"))
    yield started
    stop_stack(started)
