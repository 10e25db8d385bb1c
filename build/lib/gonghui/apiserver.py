"""Prefect's local API for one command, started before Prefect is even imported so the two overlap."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# What Prefect's own ephemeral server (prefect.server.api.server.SubprocessASGIServer) sets for its
# child: no UI, ephemeral mode. Starting the same uvicorn command ourselves lets the server boot while
# this process imports Prefect and lists the input folder, and keeps prefect.server (FastAPI,
# SQLAlchemy: ~2.5 s of imports) out of this process. Measured on 2 cores: a run's fixed cost fell
# from ~8.5 s (import + start, one after the other) to the longer of the two.
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
# A cold server needs ~4 s here (imports, SQLite migrations); slow CI machines get room.
READY_TIMEOUT_SECONDS = 120.0
POLL_SECONDS = 0.05


class LocalAPIError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prefect_dir() -> str:
    # the folder holding the `prefect` package, found without importing it (uvicorn's --app-dir)
    import importlib.util

    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        raise LocalAPIError("prefect is not installed")
    return str(Path(spec.origin).parent.parent)


class LocalAPI:
    """A Prefect API server in a child process on a free local port, for the life of one command."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> LocalAPI:
        """Launch the server (returns at once) and point this process's Prefect client at it."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", _prefect_dir(), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"],
            env={**os.environ, **SERVER_ENV},
        )
        # Set before Prefect is imported, so its settings see it; Dask workers inherit it too.
        os.environ["PREFECT_API_URL"] = self.url
        return self

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        """Block until the server answers its health check (it boots while the caller works)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise LocalAPIError(f"Prefect's local API server exited during start-up (exit code {code}); "
                                    f"run with -v to see its output, or set PREFECT_API_URL to a running server")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise LocalAPIError(f"Prefect's local API server did not answer within {timeout:.0f} s")
            time.sleep(POLL_SECONDS)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if os.environ.get("PREFECT_API_URL") == self.url:
            del os.environ["PREFECT_API_URL"]
