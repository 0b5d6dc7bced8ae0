"""Fixtures for the channel tests: a migrated database on SQLite and on PostgreSQL, and a real Sanic
server running a real input channel on a loopback port.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Callable

import pytest
from sanic import Sanic


@pytest.fixture
def database_url(db_url, migrate_copy) -> str:
    """A fresh database (SQLite file or PostgreSQL), migrated to the latest revision."""
    migrate_copy(db_url)
    return db_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerThread:
    """Runs a Sanic app on 127.0.0.1 in its own thread and event loop (as `rasa run` would)."""

    def __init__(self, make_app: Callable, port: int) -> None:
        self.make_app = make_app
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            app = self.loop.run_until_complete(self.make_app())
            self.app = app
            self.server = self.loop.run_until_complete(
                app.create_server(host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False)
            )
            self.loop.run_until_complete(self.server.startup())
            self.loop.run_until_complete(self.server.before_start())
            self.loop.run_until_complete(self.server.after_start())
        except BaseException as exc:  # surfaced in start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()

    def start(self, timeout: float = 120) -> "ServerThread":
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("server did not start in time")
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        async def _close():
            self.server.close()
            await self.server.wait_closed()

        if getattr(self, "server", None) is not None:
            asyncio.run_coroutine_threadsafe(_close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


def _server_starter():
    # Several Sanic apps in one process (one per test) need sanic's test mode, else its
    # "touchup" rewrites already-rewritten methods and fails.
    Sanic.test_mode = True
    started: list[ServerThread] = []

    def _serve(make_app: Callable) -> ServerThread:
        srv = ServerThread(make_app, free_port()).start()
        started.append(srv)
        return srv

    return _serve, started


@pytest.fixture
def serve():
    """`serve(make_app)` starts the Sanic app built by async `make_app()`; stopped after the test."""
    _serve, started = _server_starter()
    yield _serve
    for srv in started:
        srv.stop()


@pytest.fixture(scope="module")
def serve_module():
    """Like `serve`, for servers shared by a whole test module (e.g. one holding a loaded model)."""
    _serve, started = _server_starter()
    yield _serve
    for srv in started:
        srv.stop()
