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
