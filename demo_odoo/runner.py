"""Run the demo Odoo: `with DemoOdoo() as odoo:` in a background thread, or `serve()`.

The dataset comes from, in order: the `dataset` argument, `demo_odoo.generator.generate`
(when importable), else `demo_odoo.sample`. Planted labels from the generator stay on the
runner (`.labels`) and are never served.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from demo_odoo.access import Access
from demo_odoo.orm import Database, Dataset
from demo_odoo.seed import build
from demo_odoo.server import DB_NAME, DemoOdooApp


def default_dataset(seed: int = 7, scale: int = 1) -> tuple[Dataset, dict[str, Any]]:
    """The generator's dataset and labels if it exists, else the small sample."""
    import importlib

    try:
        generator: Any = importlib.import_module("demo_odoo.generator")
    except ImportError:
        generator = None
    if generator is not None and hasattr(generator, "generate"):
        data, labels = generator.generate(seed=seed, scale=scale)
        return data, dict(labels or {})
    from demo_odoo import sample

    return sample.dataset(), {}


def load_dataset_file(path: str | Path) -> Dataset:
    """A dataset JSON file (`{model: [records]}`), as written by `dump_dataset`."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of model -> list of records")
    return data


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (tests and benchmarks make thousands)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class DemoOdoo:
    """A demo Odoo server on 127.0.0.1, for tests, benchmarks and `triage demo-odoo`."""

    def __init__(
        self,
        version: str = "18.0",
        dataset: Dataset | None = None,
        seed: int = 7,
        scale: int = 1,
        host: str = "127.0.0.1",
        port: int = 0,
        today: str | None = None,
    ) -> None:
        if dataset is None:
            dataset, self.labels = default_dataset(seed, scale)
        else:
            self.labels = {}
        self.version = version
        self.db = DB_NAME
        self.database: Database
        self.access: Access
        self.database, self.access = build(version, dataset, today=today)
        self.app = DemoOdooApp(self.database, self.access, version)
        self.host = host
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def api_key(self) -> str:
        """The `triage` user's API key (password on /jsonrpc, bearer on JSON-2)."""
        return self.access.users["triage"].api_keys[0]

    @property
    def port(self) -> int:
        """The bound port (known once started)."""
        return self._server.server_port if self._server else self._port

    @property
    def url(self) -> str:
        """Base URL, e.g. `http://127.0.0.1:8069`."""
        return f"http://{self.host}:{self.port}"

    def dump_dataset(self, path: str | Path) -> None:
        """Write the current records as a dataset file `--data` can load."""
        self.database.dump(path)

    def start(self) -> DemoOdoo:
        """Bind and serve in a daemon thread."""
        self._server = make_server(
            self.host, self._port, self.app, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> DemoOdoo:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def banner(self) -> str:
        """What `triage demo-odoo` prints on start-up."""
        return (
            f"Demo Odoo {self.version} on {self.url}  db={self.db}\n"
            "users: admin/admin, triage/triage, noaccess/noaccess, portal/portal\n"
            f"triage API key: {self.api_key}"
        )


def serve(
    version: str = "18.0",
    host: str = "127.0.0.1",
    port: int = 8069,
    dataset: Dataset | None = None,
    seed: int = 7,
    scale: int = 1,
) -> None:
    """Serve in the foreground until interrupted."""
    odoo = DemoOdoo(version=version, dataset=dataset, seed=seed, scale=scale, host=host, port=port)
    odoo.start()
    print(odoo.banner(), flush=True)
    try:
        assert odoo._thread is not None
        while odoo._thread.is_alive():
            odoo._thread.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        odoo.stop()
