"""A private clamd for the tests: ClamAV's real daemon with a one-signature database.

There is no network for freshclam, and the tests need no real signatures: a database holding
only the EICAR test signature (an .ndb body signature of the 68-byte EICAR string, matched
anywhere in a file) makes clamd start in well under a second and detect EICAR exactly as it
would with the official databases. The EICAR string itself is assembled at run time, so no file
in the repository trips a virus scanner.

`python -m tests.evidence.clamd DIR` runs one in the foreground, for trying things by hand.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings

from evidence.scanning import ClamdScanner, clamd_limits

# The EICAR anti-virus test file (eicar.org): harmless, and detected by every scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-" + b"TEST-FILE!$H+H*"
EICAR_SIGNATURE_NAME = "Eicar-Test-Signature"
# A small private clamd refuses streams longer than this, so the size-limit reply can be tested.
SMALL_STREAM_MAX_LENGTH = 1024 * 1024

INSTALL_HINT = (
    "clamd (ClamAV's daemon) is not installed. Install it with `apt-get install clamav-daemon` "
    "(Debian/Ubuntu): the tests start a private clamd of their own with a test-only signature "
    "database, so neither freshclam nor a running service is needed. Or point CLAMD_SOCKET (or "
    "CLAMD_HOST and CLAMD_PORT) at a clamd that is already running."
)


def clamd_binary() -> str | None:
    """Debian installs clamd in /usr/sbin, which is not on a normal user's PATH."""
    return shutil.which("clamd") or next(
        (path for path in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if os.access(path, os.X_OK)), None
    )


def write_database(directory: Path) -> Path:
    """An .ndb (extended body signature) database: name, target type 0 (any file), offset *
    (anywhere), the EICAR string in hex."""
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "eicar.ndb"
    database.write_text(f"{EICAR_SIGNATURE_NAME}:0:*:{EICAR.hex()}\n")
    return database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PrivateClamd:
    process: subprocess.Popen
    directory: Path
    socket_path: str
    port: int

    def scanner(self, transport: str = "unix", **options) -> ClamdScanner:
        if transport == "unix":
            return ClamdScanner(socket_path=self.socket_path, **options)
        return ClamdScanner(host="127.0.0.1", port=self.port, **options)

    def log(self) -> str:
        path = self.directory / "clamd.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextlib.contextmanager
def private_clamd(
    directory: Path, *, limits: dict[str, str] | None = None, start_timeout: float = 60.0
) -> Iterator[PrivateClamd]:
    """Start clamd on a unix socket in `directory` and a free TCP port on 127.0.0.1; stop it
    (by its own process id) on the way out. Raises RuntimeError when it cannot start.

    Its size limits are the ones EVIDENCE_MAX_FILE_BYTES needs (evidence.scanning.clamd_limits),
    as production's must be, so it scans every file the portal accepts; `limits` overrides them."""
    limits = limits or clamd_limits(settings.EVIDENCE_MAX_FILE_BYTES)
    binary = clamd_binary()
    if binary is None:
        raise RuntimeError(INSTALL_HINT)
    write_database(directory / "db")
    socket_path = str(directory / "clamd.sock")
    port = free_port()
    config = directory / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"DatabaseDirectory {directory / 'db'}",
                f"LocalSocket {socket_path}",
                f"TCPSocket {port}",
                "TCPAddr 127.0.0.1",
                "Foreground yes",
                f"PidFile {directory / 'clamd.pid'}",
                *(f"{name} {value}" for name, value in limits.items()),
                "MaxThreads 4",
                "SelfCheck 0",
                "",
            ]
        )
    )
    with open(directory / "clamd.log", "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - /usr/sbin/clamd, fixed arguments
            [binary, "--config-file", str(config)], stdout=log, stderr=subprocess.STDOUT
        )
    clamd = PrivateClamd(process=process, directory=directory, socket_path=socket_path, port=port)
    try:
        deadline = time.monotonic() + start_timeout
        while not clamd.scanner("unix", timeout=2).ping():
            if process.poll() is not None:
                raise RuntimeError(f"clamd exited with status {process.returncode}:\n{clamd.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"clamd did not answer within {start_timeout:g} seconds:\n{clamd.log()}")
            time.sleep(0.05)
        yield clamd
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    import tempfile

    # The portal's own settings (with the environment's EVIDENCE_MAX_FILE_BYTES), as `make run`.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement_portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    django.setup()
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="clamd-"))
    folder.mkdir(parents=True, exist_ok=True)
    with private_clamd(folder) as running:
        print(f"clamd is running: CLAMD_SOCKET={running.socket_path}")
        print(
            "Its size limits, for EVIDENCE_MAX_FILE_BYTES:",
            ", ".join(
                f"{name} {value}" for name, value in clamd_limits(settings.EVIDENCE_MAX_FILE_BYTES).items()
            ),
        )
        print(f"(or CLAMD_HOST=127.0.0.1 CLAMD_PORT={running.port})")
        print("Press Ctrl-C to stop it.")
        with contextlib.suppress(KeyboardInterrupt):
            running.process.wait()
