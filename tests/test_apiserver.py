"""gonghui's own start of Prefect's local API: it answers, points the client at itself, and stops cleanly;
a server that cannot start is a clear error, not a hang."""

from __future__ import annotations

import os
import socket
import urllib.request

import pytest

from gonghui.apiserver import LocalAPI, LocalAPIError


@pytest.fixture
def no_api_url(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def test_local_api_answers_and_stops(no_api_url):
    api = LocalAPI().start()
    try:
        assert os.environ["PREFECT_API_URL"] == api.url
        api.wait_ready(timeout=120)
        with urllib.request.urlopen(f"{api.url}/health", timeout=5) as resp:
            assert resp.status == 200
        proc = api.process
    finally:
        api.stop()
    assert proc is not None and proc.poll() is not None  # the child is gone, not orphaned
    assert "PREFECT_API_URL" not in os.environ


def test_a_server_that_cannot_start_is_a_clear_error(no_api_url):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        api = LocalAPI()
        api.port = taken.getsockname()[1]  # uvicorn cannot bind: it exits
        api.url = f"http://127.0.0.1:{api.port}/api"
        api.start()
        try:
            with pytest.raises(LocalAPIError, match="exited during start-up"):
                api.wait_ready(timeout=120)
        finally:
            api.stop()


def test_a_quiet_servers_output_goes_nowhere(no_api_url):
    """`gonghui run` without -v: the ephemeral server's stdout and stderr are /dev/null, so what it logs
    while stopping (a shutdown during its services' start-up, pool tracebacks) never follows the run's
    summary; with -v (quiet=False) it shares the terminal."""
    quiet, loud = LocalAPI(quiet=True).start(), None
    try:
        assert quiet.process is not None
        assert [os.readlink(f"/proc/{quiet.process.pid}/fd/{fd}") for fd in (1, 2)] == ["/dev/null"] * 2
        quiet.stop()
        loud = LocalAPI(quiet=False).start()
        assert loud.process is not None
        assert os.readlink(f"/proc/{loud.process.pid}/fd/2") == os.readlink(f"/proc/{os.getpid()}/fd/2")
    finally:
        quiet.stop()
        if loud is not None:
            loud.stop()

