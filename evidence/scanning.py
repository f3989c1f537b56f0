"""Virus scanning of uploaded evidence, pluggable.

A scanner reads a file-like object and says whether it is clean. `get_scanner()` picks one from
the settings:

- `ClamdScanner`: ClamAV's clamd, over a unix socket (CLAMD_SOCKET) or TCP (CLAMD_HOST and
  CLAMD_PORT), with the INSTREAM command. The one to use anywhere real.
- `NoScanner`: calls every file clean without looking at it. Only when no clamd is configured
  and EVIDENCE_ALLOW_UNSCANNED is on (the default on a developer's machine, DEBUG, and in tests).
- `UnconfiguredScanner`: production with no clamd and unscanned files not allowed. Every scan
  fails, so files stay unavailable (fail closed); `check --deploy` warns about it.

A scanner that cannot give a verdict raises ScanError; it never guesses "clean".
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from django.conf import settings

from evidence.validation import MAX_ZIP_UNCOMPRESSED_BYTES

# clamd's default StreamMaxLength is 25 MB; chunks well under its 64 kB socket buffer.
CHUNK_SIZE = 64 * 1024
# The longest verdict line clamd sends is a signature name plus a few words.
MAX_REPLY_BYTES = 4096


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    # "OK", or the signature clamd found (such as "Eicar-Test-Signature").
    detail: str


class ScanError(Exception):
    """No verdict. `retryable` is false when trying again cannot help (the file is larger than
    clamd accepts, no scanner is configured)."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class Scanner(Protocol):
    def scan(self, stream: BinaryIO) -> ScanResult: ...


class NoScanner:
    """Development only: marks every file clean without scanning it."""

    def scan(self, stream: BinaryIO) -> ScanResult:
        return ScanResult(clean=True, detail="Not scanned: no virus scanner configured (development only)")


class UnconfiguredScanner:
    """Production with no scanner: every file fails its scan and is never served."""

    def scan(self, stream: BinaryIO) -> ScanResult:
        raise ScanError("No virus scanner is configured (set CLAMD_SOCKET or CLAMD_HOST)", retryable=False)


class ClamdScanner:
    """A client for clamd's INSTREAM command.

    The conversation, from clamd's manual (clamd(8)): send `zINSTREAM\\0`, then the file as
    chunks, each preceded by its length as a 4-byte big-endian unsigned integer, then a
    zero-length chunk (4 zero bytes). clamd answers with one null-terminated line:
    `stream: OK`, `stream: <signature> FOUND`, or `<message> ERROR` (for instance
    `INSTREAM size limit exceeded. ERROR` when the file is longer than its StreamMaxLength, after
    which it closes the connection, possibly while we are still sending).
    """

    def __init__(
        self,
        *,
        socket_path: str | None = None,
        host: str | None = None,
        port: int = 3310,
        timeout: float = 60.0,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        if bool(socket_path) == bool(host):
            raise ValueError("ClamdScanner needs a socket_path or a host, not both.")
        self.socket_path = socket_path
        self.host = host
        self.port = port
        self.timeout = timeout
        self.chunk_size = chunk_size

    def __repr__(self) -> str:
        return f"ClamdScanner({self.address})"

    @property
    def address(self) -> str:
        return f"unix:{self.socket_path}" if self.socket_path else f"{self.host}:{self.port}"

    def _connect(self) -> socket.socket:
        try:
            if self.socket_path:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                try:
                    sock.connect(self.socket_path)
                except BaseException:
                    sock.close()
                    raise
                return sock
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except TimeoutError:
            raise ScanError(f"Timed out connecting to clamd at {self.address}") from None
        except OSError as error:
            raise ScanError(f"Cannot reach clamd at {self.address}: {error.strerror or error}") from None

    def ping(self) -> bool:
        """True when clamd answers PONG."""
        try:
            with self._connect() as sock:
                sock.sendall(b"zPING\0")
                return _read_reply(sock) == "PONG"
        except (ScanError, OSError):
            return False

    def scan(self, stream: BinaryIO) -> ScanResult:
        with self._connect() as sock:
            interrupted = False
            try:
                self._send(sock, stream)
            except TimeoutError:
                raise ScanError(f"Timed out sending the file to clamd at {self.address}") from None
            except (BrokenPipeError, ConnectionResetError):
                # clamd hangs up on a stream over its size limit, and has usually said so first:
                # read what it said, below.
                interrupted = True
            except OSError as error:
                raise ScanError(f"Lost the connection to clamd at {self.address}: {error}") from None
            try:
                reply = _read_reply(sock)
            except TimeoutError:
                raise ScanError(f"Timed out waiting for clamd's verdict from {self.address}") from None
            except OSError as error:
                raise ScanError(f"Lost the connection to clamd at {self.address}: {error}") from None
        if interrupted and not reply:
            raise ScanError(
                f"clamd at {self.address} closed the connection while the file was being sent "
                "(is the file larger than its StreamMaxLength?)"
            )
        return parse_reply(reply)

    def _send(self, sock: socket.socket, stream: BinaryIO) -> None:
        sock.sendall(b"zINSTREAM\0")
        while chunk := stream.read(self.chunk_size):
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))


def _read_reply(sock: socket.socket) -> str:
    """One null-terminated reply (or whatever came before the connection closed)."""
    data = b""
    while b"\0" not in data and len(data) < MAX_REPLY_BYTES:
        try:
            part = sock.recv(MAX_REPLY_BYTES)
        except ConnectionResetError:
            break
        if not part:
            break
        data += part
    return data.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def parse_reply(reply: str) -> ScanResult:
    if not reply:
        raise ScanError("clamd closed the connection without a verdict")
    if reply.endswith("ERROR"):
        message = reply.removesuffix("ERROR").strip().rstrip(".")
        if "size limit" in message.lower():
            raise ScanError(
                "The file is larger than clamd accepts (raise StreamMaxLength in clamd.conf: "
                "manage.py clamd_limits prints what EVIDENCE_MAX_FILE_BYTES needs)",
                retryable=False,
            )
        raise ScanError(f"clamd reported an error: {message}")
    _, separator, verdict = reply.partition(": ")
    if not separator:
        raise ScanError(f"Unexpected reply from clamd: {reply[:100]!r}")
    if verdict == "OK":
        return ScanResult(clean=True, detail="OK")
    if verdict.endswith(" FOUND"):
        return ScanResult(clean=False, detail=verdict.removesuffix(" FOUND").strip())
    raise ScanError(f"Unexpected reply from clamd: {reply[:100]!r}")


MB = 1024 * 1024


def clamd_limits(max_file_bytes: int) -> dict[str, str]:
    """The clamd.conf size limits that let clamd scan every file the portal accepts, derived
    from EVIDENCE_MAX_FILE_BYTES, in clamd.conf's own notation (whole megabytes, rounded up).

    - StreamMaxLength: the longest INSTREAM clamd accepts. Below the largest upload, clamd
      refuses the stream and the file is never served.
    - MaxFileSize: clamd skips a file larger than this and calls it clean (unless
      AlertExceedsMax is on). Below the largest upload, big files would pass unscanned.
    - MaxScanSize: how much data clamd scans for one file, counting what it unpacks from an
      Office document or a PDF. At least the file plus all that validation lets a document
      unpack to (MAX_ZIP_UNCOMPRESSED_BYTES).
    clamd's defaults are 25 MB, 25 MB and 100 MB: too small for the portal's 50 MB."""

    def megabytes(size: int) -> str:
        return f"{-(-size // MB)}M"

    return {
        "StreamMaxLength": megabytes(max_file_bytes),
        "MaxFileSize": megabytes(max_file_bytes),
        "MaxScanSize": megabytes(max_file_bytes + MAX_ZIP_UNCOMPRESSED_BYTES),
    }


def get_scanner() -> Scanner:
    """The scanner the settings ask for."""
    if settings.CLAMD_SOCKET:
        return ClamdScanner(socket_path=settings.CLAMD_SOCKET, timeout=settings.CLAMD_TIMEOUT)
    if settings.CLAMD_HOST:
        return ClamdScanner(
            host=settings.CLAMD_HOST, port=settings.CLAMD_PORT, timeout=settings.CLAMD_TIMEOUT
        )
    if settings.EVIDENCE_ALLOW_UNSCANNED:
        return NoScanner()
    return UnconfiguredScanner()
