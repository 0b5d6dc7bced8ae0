"""`python -m bot.staff [--host 127.0.0.1] [--port 8000]`: run the staff dashboard.

Why Werkzeug's server (threaded) and not a separate WSGI server: the dashboard serves a handful of staff
on one machine behind the city's reverse proxy; Werkzeug with threads handles that without another
dependency. For larger deployments point any WSGI server at `bot.staff.wsgi:app`.
The database must be migrated first (`mediation-admin migrate`, done by `make run`).
"""

from __future__ import annotations

import argparse
import logging
import re

from werkzeug.serving import run_simple

from bot.settings import ConfigurationError, get_settings
from bot.staff import create_app


class RedactQueryStrings(logging.Filter):
    """Werkzeug logs each request line at INFO; a list search puts a resident's name in the query string.
    Keep the path (references are not personal data) and drop the query."""

    _query = re.compile(r"\?[^ \"]*")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            record.args = (self._query.sub("?…", record.args[0]),) + record.args[1:]
        return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.staff", description="Run the staff dashboard.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").addFilter(RedactQueryStrings())
    try:
        settings = get_settings()
    except ConfigurationError as exc:
        print(f"Cannot start the staff dashboard: {exc}")
        return 2

    app = create_app(settings)
    print(
        f"Staff dashboard: http://{args.host}:{args.port}/  (sign in with an account made by "
        "`mediation-admin create-user EMAIL --role admin`)",
        flush=True,
    )
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False, use_debugger=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
