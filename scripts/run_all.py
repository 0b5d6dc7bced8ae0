"""Start the action server, the Rasa server and the staff app together; stop all of them on Ctrl-C.

Why: residents' conversations need all three, and a newcomer should get them with one command (`make run`)
instead of three terminals. `--shell` starts only the action server and chats in the terminal.
Processes are started by bot.cli.launcher, the same way the tests and the benchmark start them.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time

from bot.cli import launcher
from bot.settings import ConfigurationError, Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="chat in the terminal instead of serving")
    args = parser.parse_args()
    try:
        settings = Settings.from_env()
    except ConfigurationError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 2
    env = launcher.base_env({"ACTION_SERVER_URL": settings.action_server_url})
    for name in ("TWILIO_AUTH_TOKEN", "SMS_PUBLIC_URL", "SMS_SENDER_KEY"):
        env.setdefault(name, "")  # credentials.yml names them; empty leaves the SMS channel answering 503
    actions_env = launcher.action_env(dict(env, MEDIATION_BACKGROUND_DELIVERY="1"))
    procs = launcher.Processes()
    signal.signal(signal.SIGTERM, lambda *_: (procs.stop_all(), sys.exit(0)))
    try:
        procs.start("actions", launcher.action_server(settings.action_port), actions_env)
        if args.shell:
            procs.wait_until_up("actions", f"http://127.0.0.1:{settings.action_port}/health")
            shell = launcher.rasa_command(
                "shell", "--model", str(launcher.DEFAULT_MODEL), "--endpoints", "endpoints.yml"
            )
            return procs.start("shell", shell, env).wait()
        procs.start(
            "rasa", launcher.rasa_server(launcher.DEFAULT_MODEL, settings.rasa_port, settings.cors_origins), env
        )
        procs.start("staff", launcher.staff_app(settings.staff_port), env)
        print("Starting… (the Rasa server takes up to a minute to load the model)", flush=True)
        try:
            procs.wait_until_up("rasa", f"http://127.0.0.1:{settings.rasa_port}/", timeout=180)
            procs.wait_until_up("staff", f"http://127.0.0.1:{settings.staff_port}/health", timeout=60)
            ok = True
        except RuntimeError:
            ok = False
        print(
            "\n".join(
                [
                    "",
                    "Mediation Assistant is running" + ("" if ok else " (some services did not answer yet)") + ":",
                    f"  Chat (REST):    POST http://localhost:{settings.rasa_port}/webhooks/rest/webhook",
                    f"  SMS webhook:    POST http://localhost:{settings.rasa_port}/webhooks/sms/webhook",
                    f"  Demo page:      http://localhost:{settings.staff_port}/demo",
                    f"  Staff app:      http://localhost:{settings.staff_port}/",
                    f"  Action server:  http://127.0.0.1:{settings.action_port} (local only)",
                    "  First staff account:  .venv/bin/mediation-admin create-user you@example.org --role admin",
                    "Press Ctrl-C to stop everything.",
                ]
            ),
            flush=True,
        )
        while procs.alive():
            time.sleep(1)
        for name, running in procs.running.items():
            if running.proc.poll() is not None:
                print(f"{name} stopped (exit code {running.proc.returncode}); stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())
