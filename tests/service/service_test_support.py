"""Shared helpers for the service tests: a handler that records calls on disk, and the API
served over a real loopback socket, in a thread or in a subprocess (`python <this file>`).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from agent.config import Settings
from service.api import create_app
from service.intake import Route

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"
REPO = Path(__file__).resolve().parents[2]
TOKEN = "test-webhook-token-0123456789"


class TransientFailure(Exception):
    """Looks like a network blip to the worker: retried."""


class RecordNotFound(Exception):
    """Same class name as the pipeline's permanent error: dead-lettered at once."""


class RecordingHandler:
    """Job handler that writes each call to a SQLite file, so counts survive threads and
    processes. `plan` maps res_id to "permanent", "transient:N" (fail N times) or "slow:S"."""

    def __init__(self, db_path: Path, plan: dict[int, str] | None = None) -> None:
        self.db_path = db_path
        self.plan = plan or {}
        with self._db() as db:
            db.execute(
                "create table if not exists calls (job text, res_id int, request_id text, ok int,"
                " ts real)"
            )

    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        db.execute("pragma journal_mode=wal")
        return db

    def __call__(self, job: str, res_id: int, *, request_id: str | None) -> dict[str, Any]:
        mode = self.plan.get(res_id, "")
        ok = 1
        if mode == "permanent":
            ok = 0
        elif mode.startswith("transient:"):
            ok = int(self.attempts(res_id) >= int(mode.split(":")[1]))
        elif mode.startswith("slow:"):
            time.sleep(float(mode.split(":")[1]))
        db = self._db()
        try:
            db.execute(
                "insert into calls values (?, ?, ?, ?, ?)",
                (job, res_id, request_id, ok, time.time()),
            )
        finally:
            db.close()
        if mode == "permanent":
            raise RecordNotFound(f"helpdesk.ticket {res_id} does not exist")
        if not ok:
            raise TransientFailure("Odoo timed out")
        return {"job": job, "res_id": res_id}

    def attempts(self, res_id: int) -> int:
        db = self._db()
        try:
            return int(
                db.execute("select count(*) from calls where res_id=?", (res_id,)).fetchone()[0]
            )
        finally:
            db.close()

    def calls(self, ok_only: bool = True) -> list[tuple[str, int, str | None]]:
        db = self._db()
        try:
            query = "select job, res_id, request_id from calls" + (" where ok=1" if ok_only else "")
            return [(r[0], r[1], r[2]) for r in db.execute(query + " order by ts")]
        finally:
            db.close()


def make_settings(tmp: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "queue_url": f"sqlite:///{tmp / 'queue.sqlite3'}",
        "webhook_token": TOKEN,
        "worker": "inline",
        "job_retry_base_s": 0.05,
        "job_max_attempts": 3,
        "log_level": "INFO",
    }
    values.update(overrides)
    return Settings(**values)


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


@contextmanager
def serve_in_thread(
    settings: Settings,
    handler: Callable[..., Any] | None = None,
    routes: tuple[Route, ...] | None = None,
) -> Iterator[str]:
    """Serve the app on 127.0.0.1:<free port> in a thread; yields the base URL."""
    app = create_app(settings, handler=handler, routes=routes)
    sock = bound_socket()
    config = uvicorn.Config(app, log_config=None, access_log=True, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


@contextmanager
def serve_in_subprocess(
    env: dict[str, str], calls_db: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Start this file as a server process on a socket we bound; yields the process and
    its base URL. The caller may kill it (the durability test does, with SIGKILL)."""
    sock = bound_socket()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    full_env = {**os.environ, **env, "TEST_CALLS_DB": str(calls_db), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, __file__, str(sock.fileno())],
        env=full_env,
        pass_fds=(sock.fileno(),),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    sock.close()
    try:
        yield proc, base_url
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(15)


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0, interval: float = 0.05) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def fixture_body(name: str) -> bytes:
    """The exact bytes Odoo posted, from a recorded exchange."""
    data = json.loads((FIXTURES / name).read_text())
    return str(data["request"]["body"]).encode()


def _main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))
    handler = RecordingHandler(Path(os.environ["TEST_CALLS_DB"]))
    app = create_app(Settings(), handler=handler)
    config = uvicorn.Config(app, log_config=None, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    _main()


@dataclass
class Live:
    """A live API on a loopback port, its recording handler, settings and a client."""

    url: str
    handler: RecordingHandler
    settings: Settings
    client: httpx.Client
