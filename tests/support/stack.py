"""The real stack for end-to-end tests: Rasa server + action server + staff app, started once per session.

Why: the issues ask for tests that talk to the real thing. Starting the three processes is slow (the Rasa
server loads TensorFlow and the model), so one session-scoped `stack` is shared by every e2e, channel and
browser test. Each test uses its own conversation id, so tests don't see each other's conversations.
The stack writes to a throw-away SQLite database and var/ folder, never to the developer's.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pytest
import requests

from bot.cli import launcher
from bot.cli.launcher import BIN, ROOT, Processes, free_port

MODEL = launcher.DEFAULT_MODEL


@dataclass
class Stack:
    rasa_url: str
    action_url: str
    staff_url: str
    env: dict
    workdir: Path
    processes: Processes = field(default_factory=Processes)

    @property
    def procs(self) -> dict:
        return {name: r.proc for name, r in self.processes.running.items()}

    @property
    def logs(self) -> dict:
        return {name: r.log for name, r in self.processes.running.items()}

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
        self.processes.stop("actions")
        port = int(self.action_url.rsplit(":", 1)[1])
        log = self.logs["actions"]
        self.processes.start(
            "actions",
            launcher.action_server(port),
            launcher.action_env(dict(self.env, **env_overrides)),
            log=log,
            append=True,
        )
        self.processes.wait_until_up("actions", f"{self.action_url}/health")

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs.values() if path and path.exists())


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
    rasa_port, action_port, staff_port = free_port(), free_port(), free_port()
    var = tmp / "var"
    env = launcher.throwaway_env(
        var,
        rasa_port,
        action_port,
        MEDIATION_BACKGROUND_DELIVERY="1",
        MEDIATION_DELIVERY_INTERVAL="2",
        MEDIATION_PASSWORD_HASHING="fast",
        CORS_ORIGINS=f"http://127.0.0.1:{staff_port}",
        STAFF_BASE_URL=f"http://127.0.0.1:{staff_port}",
    )
    subprocess.run([str(BIN / "mediation-admin"), "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)

    stack = Stack(
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        action_url=f"http://127.0.0.1:{action_port}",
        staff_url=f"http://127.0.0.1:{staff_port}",
        env=env,
        workdir=tmp,
    )
    specs = {
        "actions": (launcher.action_server(action_port), launcher.action_env(env), f"{stack.action_url}/health"),
        "rasa": (
            launcher.rasa_server(MODEL, rasa_port, cors=[f"http://127.0.0.1:{staff_port}"]),
            env,
            f"{stack.rasa_url}/",
        ),
        "staff": (launcher.staff_app(staff_port), env, f"{stack.staff_url}/health"),
    }
    try:
        for name, (cmd, proc_env, _) in specs.items():
            stack.processes.start(name, cmd, proc_env, log=tmp / f"{name}.log")
        for name, (_, _, url) in specs.items():
            stack.processes.wait_until_up(name, url)
    except Exception:
        stop_stack(stack)
        raise
    return stack


def stop_stack(stack: Stack) -> None:
    stack.processes.stop_all()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    started = start_stack(tmp_path_factory.mktemp("stack"))
    yield started
    stop_stack(started)
