"""The clamd INSTREAM client against a fake clamd: framing, verdicts, errors and timeouts.

These need no ClamAV; tests/evidence/test_clamav.py runs the same client against the real one.
"""

from __future__ import annotations

import contextlib
import io
import socket
import struct
import threading
import time
from collections.abc import Callable

import pytest

from evidence.checks import virus_scanner_configured
from evidence.scanning import (
    ClamdScanner,
    NoScanner,
    ScanError,
    UnconfiguredScanner,
    get_scanner,
)
from tests.evidence.clamd import free_port


def read_instream(conn: socket.socket) -> tuple[bytes, list[bytes]]:
    """Read an INSTREAM request the way clamd does: the command, then length-prefixed chunks up
    to a zero length. Returns the command and the chunks."""
    stream = conn.makefile("rb")
    command = b""
    while not command.endswith(b"\0"):
        byte = stream.read(1)
        if not byte:
            break
        command += byte
    chunks = []
    while True:
        header = stream.read(4)
        if len(header) < 4:
            break
        (length,) = struct.unpack("!L", header)
        if length == 0:
            break
        chunks.append(stream.read(length))
    return command, chunks


class FakeClamd:
    """Listens on a unix socket or a loopback TCP port and handles each connection with
    `behaviour(conn, fake)`, in a thread."""

    def __init__(self, transport: str, tmp_path, behaviour: Callable[[socket.socket, FakeClamd], None]):
        self.behaviour = behaviour
        self.requests: list[tuple[bytes, list[bytes]]] = []
        self.release = threading.Event()
        if transport == "unix":
            self.path = str(tmp_path / "fake-clamd.sock")
            self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.listener.bind(self.path)
        else:
            self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.listener.bind(("127.0.0.1", 0))
            self.port = self.listener.getsockname()[1]
        self.transport = transport
        self.listener.listen(5)
        self.listener.settimeout(0.05)
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def scanner(self, **options) -> ClamdScanner:
        options.setdefault("timeout", 5)
        if self.transport == "unix":
            return ClamdScanner(socket_path=self.path, **options)
        return ClamdScanner(host="127.0.0.1", port=self.port, **options)

    def _serve(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn, contextlib.suppress(OSError):
                self.behaviour(conn, self)

    def stop(self) -> None:
        self.stopping = True
        self.release.set()
        self.thread.join(timeout=5)
        self.listener.close()


def replies(reply: bytes) -> Callable[[socket.socket, FakeClamd], None]:
    def behaviour(conn: socket.socket, fake: FakeClamd) -> None:
        fake.requests.append(read_instream(conn))
        conn.sendall(reply)

    return behaviour


@pytest.fixture(params=["unix", "tcp"])
def fake_clamd(request, tmp_path):
    started = []

    def start(behaviour) -> FakeClamd:
        fake = FakeClamd(request.param, tmp_path, behaviour)
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()


def test_the_file_goes_in_length_prefixed_chunks_after_zinstream_and_ends_with_four_zero_bytes(fake_clamd):
    fake = fake_clamd(replies(b"stream: OK\0"))
    content = bytes(range(23))

    result = fake.scanner(chunk_size=5).scan(io.BytesIO(content))

    assert result.clean is True
    [(command, chunks)] = fake.requests
    assert command == b"zINSTREAM\0"
    assert [len(chunk) for chunk in chunks] == [5, 5, 5, 5, 3]
    assert b"".join(chunks) == content


def test_an_empty_file_is_just_the_command_and_the_terminator(fake_clamd):
    received = []

    def behaviour(conn, fake):
        data = b""
        while len(data) < len(b"zINSTREAM\0") + 4:
            data += conn.recv(100)
        received.append(data)
        conn.sendall(b"stream: OK\0")

    fake = fake_clamd(behaviour)
    assert fake.scanner().scan(io.BytesIO(b"")).clean is True
    assert received == [b"zINSTREAM\0\0\0\0\0"]


@pytest.mark.parametrize(
    ("reply", "clean", "detail"),
    [
        (b"stream: OK\0", True, "OK"),
        (b"stream: Eicar-Test-Signature FOUND\0", False, "Eicar-Test-Signature"),
        (b"stream: Win.Test.EICAR_HDB-1 FOUND\0", False, "Win.Test.EICAR_HDB-1"),
        # Without the null terminator, up to the end of the connection.
        (b"stream: OK", True, "OK"),
    ],
)
def test_verdicts(fake_clamd, reply, clean, detail):
    fake = fake_clamd(replies(reply))
    result = fake.scanner().scan(io.BytesIO(b"some document"))
    assert (result.clean, result.detail) == (clean, detail)


def test_a_reply_in_pieces_is_read_to_its_null(fake_clamd):
    def behaviour(conn, fake):
        read_instream(conn)
        for piece in (b"stream: Eicar-Te", b"st-Signature FO", b"UND\0"):
            conn.sendall(piece)
            time.sleep(0.02)

    fake = fake_clamd(behaviour)
    result = fake.scanner().scan(io.BytesIO(b"x"))
    assert (result.clean, result.detail) == (False, "Eicar-Test-Signature")


def test_the_size_limit_error_is_final(fake_clamd):
    fake = fake_clamd(replies(b"INSTREAM size limit exceeded. ERROR\0"))
    with pytest.raises(ScanError, match="StreamMaxLength") as error:
        fake.scanner().scan(io.BytesIO(b"x" * 100))
    assert error.value.retryable is False


def test_clamd_hanging_up_mid_stream_over_its_size_limit_is_reported(fake_clamd):
    """Real clamd answers and closes as soon as the stream passes StreamMaxLength, while the
    client is still sending."""

    def behaviour(conn, fake):
        stream = conn.makefile("rb")
        stream.read(len(b"zINSTREAM\0"))
        (length,) = struct.unpack("!L", stream.read(4))
        stream.read(length)
        conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        conn.shutdown(socket.SHUT_RDWR)

    fake = fake_clamd(behaviour)
    with pytest.raises(ScanError, match="StreamMaxLength"):
        fake.scanner().scan(io.BytesIO(b"\0" * (8 * 1024 * 1024)))


@pytest.mark.parametrize(
    "reply",
    [b"stream: Can't allocate memory ERROR\0", b"UNKNOWN COMMAND\0", b"stream: maybe\0", b""],
)
def test_errors_and_nonsense_are_scan_errors_worth_retrying(fake_clamd, reply):
    fake = fake_clamd(replies(reply))
    with pytest.raises(ScanError) as error:
        fake.scanner().scan(io.BytesIO(b"x"))
    assert error.value.retryable is True


def test_waiting_too_long_for_a_verdict_times_out(fake_clamd):
    def behaviour(conn, fake):
        read_instream(conn)
        fake.release.wait(10)

    fake = fake_clamd(behaviour)
    started = time.monotonic()
    with pytest.raises(ScanError, match="Timed out waiting"):
        fake.scanner(timeout=0.3).scan(io.BytesIO(b"x"))
    assert time.monotonic() - started < 3


def test_a_clamd_that_stops_reading_times_out_the_upload(fake_clamd):
    def behaviour(conn, fake):
        fake.release.wait(10)

    fake = fake_clamd(behaviour)
    with pytest.raises(ScanError, match="Timed out sending"):
        fake.scanner(timeout=0.3).scan(io.BytesIO(b"\0" * (32 * 1024 * 1024)))


def test_nothing_listening_is_a_scan_error(tmp_path):
    with pytest.raises(ScanError, match="Cannot reach clamd"):
        ClamdScanner(socket_path=str(tmp_path / "no-such.sock")).scan(io.BytesIO(b"x"))
    with pytest.raises(ScanError, match="Cannot reach clamd"):
        ClamdScanner(host="127.0.0.1", port=free_port(), timeout=2).scan(io.BytesIO(b"x"))


def test_ping(fake_clamd, tmp_path):
    def behaviour(conn, fake):
        assert conn.recv(100) == b"zPING\0"
        conn.sendall(b"PONG\0")

    assert fake_clamd(behaviour).scanner().ping() is True
    assert ClamdScanner(socket_path=str(tmp_path / "no-such.sock")).ping() is False


def test_a_scanner_needs_exactly_one_address():
    with pytest.raises(ValueError):
        ClamdScanner()
    with pytest.raises(ValueError):
        ClamdScanner(socket_path="/run/clamav/clamd.ctl", host="127.0.0.1")


def test_the_settings_choose_the_scanner(settings):
    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_TIMEOUT = "/run/clamav/clamd.ctl", "", 7
    scanner = get_scanner()
    assert isinstance(scanner, ClamdScanner)
    assert (scanner.socket_path, scanner.timeout) == ("/run/clamav/clamd.ctl", 7)

    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "clamd.internal", 3311
    scanner = get_scanner()
    assert (scanner.host, scanner.port) == ("clamd.internal", 3311)

    settings.CLAMD_HOST = ""
    settings.EVIDENCE_ALLOW_UNSCANNED = True
    assert isinstance(get_scanner(), NoScanner)
    assert get_scanner().scan(io.BytesIO(b"anything")).clean is True

    settings.EVIDENCE_ALLOW_UNSCANNED = False
    assert isinstance(get_scanner(), UnconfiguredScanner)
    with pytest.raises(ScanError, match="No virus scanner is configured") as error:
        get_scanner().scan(io.BytesIO(b"anything"))
    assert error.value.retryable is False


def test_the_deploy_check_warns_about_a_missing_or_bypassed_scanner(settings):
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = "", ""
    settings.EVIDENCE_ALLOW_UNSCANNED = False
    assert [message.id for message in virus_scanner_configured(None)] == ["evidence.W001"]
    settings.EVIDENCE_ALLOW_UNSCANNED = True
    assert [message.id for message in virus_scanner_configured(None)] == ["evidence.W002"]
    settings.CLAMD_HOST = "clamd.internal"
    assert virus_scanner_configured(None) == []
