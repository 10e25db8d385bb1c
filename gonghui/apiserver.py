"""Prefect's local API, started before Prefect is even imported so the two overlap.

Two kinds: the ephemeral API of one `gonghui run` (no services, no UI, its database thrown away), and
the scheduling server of `gonghui serve` (`LocalAPI(home=...)`): Prefect's scheduler and the other
server services, the UI, and its SQLite database kept in `home` so deployments, schedules and run
history survive a restart.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
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
# What `prefect server start` sets for its uvicorn child (prefect.cli._server_utils), for the scheduling
# server: no PREFECT__SERVER_EPHEMERAL, so create_app runs every enabled service (the scheduler among
# them: "Cannot schedule flows on an ephemeral server" is the runner refusing the ephemeral kind).
PERSISTENT_SERVER_ENV = {"PREFECT_UI_ENABLED": "1", "PREFECT__SERVER_FINAL": "1",
                         "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
# How long a stopping server may take: uvicorn finishes open requests, then the lifespan stops the
# services (measured: ~1 s here); after this it is killed.
STOP_TIMEOUT_SECONDS = 15.0
# The scheduling server watches its parent this often: if `gonghui serve` dies without stopping it
# (kill -9, a crash), the server stops itself instead of running on as an orphan.
PARENT_POLL_SECONDS = 1.0
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


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # as uvicorn binds: a port whose last connections are in TIME_WAIT (a server just stopped) is free
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class LocalAPI:
    """A Prefect API server in a child process on a local port (127.0.0.1 only), for the life of one
    command.

    home=None: the ephemeral API (`gonghui run`). home=a folder: the scheduling server (`gonghui
    serve`), with Prefect's services and UI, PREFECT_HOME and its database in that folder and its
    output in `home/server.log`; it runs in its own session (a terminal's Ctrl-C reaches `gonghui
    serve`, which stops it in order) and stops itself if its parent dies. `port`: used when free,
    else a free one is chosen. `quiet` (the ephemeral API of a run without -v): the server's own output
    goes nowhere; else it shares this process's terminal.
    """

    def __init__(self, home: str | Path | None = None, port: int | None = None, quiet: bool = False) -> None:
        self.home = Path(home) if home is not None else None
        self.quiet = quiet
        self.port = port if port and _port_is_free(port) else _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.ui_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.home / "server.log" if self.home is not None else None

    def start(self) -> LocalAPI:
        """Launch the server (returns at once) and point this process's Prefect client at it."""
        if self.home is None:
            # Its own session: a terminal's Ctrl-C goes to the whole foreground process group, and a
            # server that died with it left the run hanging ~65 s on connection errors; gonghui run
            # stops it itself, after the run is recorded. It also stops itself if gonghui run dies
            # without doing so (kill -9): no server is left behind with parent 1.
            # Quiet: nothing of the server reaches the terminal. Stopped while its services were still
            # starting (a short run on a loaded machine), it logged "Application shutdown failed" and
            # SQLAlchemy's pool tracebacks after the run's summary (once in a full test run, load 4).
            out = subprocess.DEVNULL if self.quiet else None
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gonghui.apiserver", str(self.port), str(os.getpid())],
                env={**os.environ, **SERVER_ENV}, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                start_new_session=True,
            )
        else:
            self.home.mkdir(parents=True, exist_ok=True)
            assert self.log_path is not None
            env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__SERVER")}
            env.update(PERSISTENT_SERVER_ENV, PREFECT_HOME=str(self.home.resolve()), PREFECT_API_URL=self.url,
                       PREFECT_SERVER_API_HOST="127.0.0.1", PREFECT_SERVER_API_PORT=str(self.port))
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "gonghui.apiserver", str(self.port), str(os.getpid())],
                    env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    cwd=str(self.home), start_new_session=True,
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
                where = f"see {self.log_path}" if self.log_path else "run with -v to see its output"
                raise LocalAPIError(f"Prefect's local API server exited during start-up (exit code {code}); "
                                    f"{where}, or set PREFECT_API_URL to a running server")
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
                self.process.wait(timeout=5 if self.home is None else STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if os.environ.get("PREFECT_API_URL") == self.url:
            del os.environ["PREFECT_API_URL"]


def _watch_parent(parent: int) -> None:
    """Stop this server (as SIGTERM would: services, then the database) once `parent` is gone."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(STOP_TIMEOUT_SECONDS)
    os._exit(1)


def _serve_forever(port: int, parent: int) -> None:
    """The scheduling server's process: Prefect's app with its services under uvicorn, on 127.0.0.1."""
    import uvicorn

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()
    uvicorn.run("prefect.server.api.server:create_app", factory=True, host="127.0.0.1", port=port,
                log_level="error", lifespan="on", app_dir=_prefect_dir())


if __name__ == "__main__":  # python -m gonghui.apiserver PORT PARENT_PID (LocalAPI(home=...).start)
    _serve_forever(int(sys.argv[1]), int(sys.argv[2]))
