"""Start the action server, the Rasa server and the staff app together; stop all of them on Ctrl-C.

Why: residents' conversations need all three, and a newcomer should get them with one command (`make run`)
instead of three terminals. `--shell` starts only the action server and chats in the terminal.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("ACTION_PORT", "5055")
    env.setdefault("ACTION_SERVER_URL", f"http://127.0.0.1:{env['ACTION_PORT']}/webhook")
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("STAFF_PORT", "8000")
    env.setdefault("RASA_PUBLIC_URL", f"http://localhost:{env['RASA_PORT']}")
    env.setdefault("CORS_ORIGINS", f"http://localhost:{env['STAFF_PORT']},http://127.0.0.1:{env['STAFF_PORT']}")
    # The SMS channel is configured from these; empty values leave it answering 503 until configured.
    for name in ("TWILIO_AUTH_TOKEN", "SMS_PUBLIC_URL", "SMS_SENDER_KEY"):
        env.setdefault(name, "")
    return env


def commands(env: dict[str, str], shell: bool) -> list[tuple[str, list[str], dict[str, str]]]:
    # The action server runs any action it is asked to: never expose it beyond this machine.
    actions_env = dict(env, SANIC_HOST="127.0.0.1", MEDIATION_BACKGROUND_DELIVERY="1")
    procs = [
        (
            "actions",
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", env["ACTION_PORT"]],
            actions_env,
        )
    ]
    if shell:
        procs.append(
            (
                "shell",
                [str(BIN / "rasa"), "shell", "--model", "models/mediation.tar.gz", "--endpoints", "endpoints.yml"],
                env,
            )
        )
        return procs
    # Only these origins may call the REST channel from a browser (one --cors flag with every origin).
    cors = ["--cors", *[origin.strip() for origin in env["CORS_ORIGINS"].split(",") if origin.strip()]]
    procs.append(
        (
            "rasa",
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                "models/mediation.tar.gz",
                "--port",
                env["RASA_PORT"],
                "--interface",
                env.get("RASA_HOST", "127.0.0.1"),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
                *cors,
            ],
            env,
        )
    )
    procs.append(("staff", [sys.executable, "-m", "bot.staff", "--port", env["STAFF_PORT"]], env))
    return procs


def wait_for(url: str, timeout: float = 180) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # it answered
        except OSError:
            time.sleep(1)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="chat in the terminal instead of serving")
    args = parser.parse_args()
    env = base_env()
    running: list[tuple[str, subprocess.Popen]] = []

    def stop_all(*_):
        for _name, proc in reversed(running):
            if proc.poll() is None:
                proc.terminate()
        for _name, proc in running:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop_all(), sys.exit(0)))
    try:
        for name, cmd, proc_env in commands(env, args.shell):
            running.append((name, subprocess.Popen(cmd, cwd=ROOT, env=proc_env)))
        if args.shell:
            return running[-1][1].wait()
        print("Starting… (the Rasa server takes up to a minute to load the model)", flush=True)
        ok = wait_for(f"http://127.0.0.1:{env['RASA_PORT']}/") and wait_for(
            f"http://127.0.0.1:{env['STAFF_PORT']}/health"
        )
        print(
            "\n".join(
                [
                    "",
                    "Mediation Assistant is running" + ("" if ok else " (some services did not answer yet)") + ":",
                    f"  Chat (REST):    POST http://localhost:{env['RASA_PORT']}/webhooks/rest/webhook",
                    f"  SMS webhook:    POST http://localhost:{env['RASA_PORT']}/webhooks/sms/webhook",
                    f"  Demo page:      http://localhost:{env['STAFF_PORT']}/demo",
                    f"  Staff app:      http://localhost:{env['STAFF_PORT']}/",
                    f"  Action server:  http://127.0.0.1:{env['ACTION_PORT']} (local only)",
                    "  First staff account:  .venv/bin/mediation-admin create-user you@example.org --role admin",
                    "Press Ctrl-C to stop everything.",
                ]
            ),
            flush=True,
        )
        while all(proc.poll() is None for _, proc in running):
            time.sleep(1)
        for name, proc in running:
            if proc.poll() is not None:
                print(f"{name} stopped (exit code {proc.returncode}); stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(main())
