"""The page benchmark refuses figures that are not of the page: wrk, for real, against a small
server on loopback that answers 200, redirects, fails with a 500 or drops the connection."""

from __future__ import annotations

import http.server
import shutil
import socket
import threading
from pathlib import Path

import pytest

from bench.pages import LUA, BenchFailure, wrk


@pytest.fixture(autouse=True)
def _wrk_installed():
    assert shutil.which("wrk"), "these tests drive wrk: apt-get install wrk"


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    served = 0

    def do_GET(self):
        _Handler.served += 1
        if self.path == "/drop" or (self.path == "/sometimes-drop" and _Handler.served % 5 == 0):
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if self.path == "/sometimes-drop":
            self.path = "/ok"
        status = {"/ok": 200, "/redirect": 302, "/missing": 404, "/error": 500}[self.path]
        body = b"page"
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/sign-in/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # wrk hangs up on connections mid-answer when its time is up


@pytest.fixture(scope="module")
def server():
    httpd = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def script(tmp_path) -> Path:
    path = tmp_path / "bench.lua"
    path.write_text(LUA)
    return path


def test_a_page_that_answers_200_gives_its_figures(server, script):
    figures = wrk(f"{server}/ok", None, 1, script)
    assert figures["rps"] > 0
    assert figures["wrk_non_2xx"] == 0
    assert figures["p95_ms"] >= figures["median_ms"] > 0


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/error", "server errors (5xx)"),
        ("/drop", "dropped connections or timeouts"),
        ("/sometimes-drop", "dropped connections or timeouts"),
        ("/redirect", "answers that were not the page (3xx or 4xx)"),
        ("/missing", "answers that were not the page (3xx or 4xx)"),
    ],
)
def test_a_5xx_a_dropped_connection_or_another_answer_stops_the_bench(server, script, path, said):
    with pytest.raises(BenchFailure) as refused:
        wrk(f"{server}{path}", None, 1, script)
    assert said in str(refused.value.code)


def test_a_warm_up_is_read_but_not_judged(server, script):
    figures = wrk(f"{server}/error", None, 1, script, warmup=True)
    assert figures["wrk_5xx"] == figures["wrk_requests"] > 0
