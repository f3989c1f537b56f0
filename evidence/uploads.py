"""Receiving evidence files: streamed to disk a chunk at a time, hashed on the way.

Django's default handlers keep small files in memory and hash nothing. This handler writes every
file to a temporary file as its chunks arrive, feeds the same chunks to SHA-256, and never holds
more than two chunks in hand, so a 50 MB upload costs the worker two chunks of memory. Hashing,
writing and learning a text file's charset (validation.CharsetSniffer, so that validating a CSV
does not read it all again) happen on a second thread while the request thread receives and parses the
next one (both release the GIL), so an upload takes about as long as the slower of the two
rather than their sum (bench/upload.py). It also enforces the limits while the data streams in:

- past the per-file size limit it stops keeping the file (the temporary file is emptied) and
  marks it too big, so an oversized file never fills the disk;
- past the number of files one upload may hold it keeps nothing of the extra files, only their
  names, so the page can say which ones were not uploaded.

The view must install it before anything reads ``request.POST`` or ``request.FILES``
(see `evidence.views.evidence_upload`, which also explains the CSRF arrangement).
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from evidence.validation import NOT_SNIFFED, CharsetSniffer

# One chunk in flight: large enough that the per-chunk Python overhead is small next to hashing
# and writing, small enough not to matter for a worker's memory.
CHUNK_BYTES = 1024 * 1024


def incoming_directory() -> str | None:
    """Where uploads are written while they arrive.

    With the evidence store on the local disk, a folder inside it, so storing a file once it
    passes validation is a rename on the same filesystem rather than a second copy. Otherwise
    (S3) the system's temporary folder, or FILE_UPLOAD_TEMP_DIR."""
    storage = storages["evidence"]
    if isinstance(storage, FileSystemStorage):
        directory = Path(storage.location) / ".incoming"
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        return str(directory)
    return settings.FILE_UPLOAD_TEMP_DIR


class HashedUpload(UploadedFile):
    """An uploaded file on disk with what was learnt while receiving it.

    `size` counts every byte received, even past the limit; `sha256` is only meaningful when the
    file was kept whole (not `too_big`, not `too_many`)."""

    def __init__(self, name: str, content_type: str, charset: str | None, directory: str | None) -> None:
        file = tempfile.NamedTemporaryFile(suffix=".upload", dir=directory)  # noqa: SIM115 - closed by close()
        super().__init__(file, name, content_type, 0, charset)
        self.sha256 = ""
        self.too_big = False
        self.too_many = False
        # The text charset learnt as the file arrived (validation.CharsetSniffer), or NOT_SNIFFED.
        self.charset = NOT_SNIFFED

    def temporary_file_path(self) -> str:
        return self.file.name

    def close(self) -> None:
        with contextlib.suppress(FileNotFoundError):  # moved into the evidence store already
            self.file.close()


class _Pipeline:
    """Hashes and writes one file's chunks, in order, on one background thread.

    At most one chunk is being hashed and written while the request thread reads the next, so
    memory stays at two chunks. An error on the background thread (a full disk) is raised in the
    request thread at the next chunk or at the end, never lost."""

    def __init__(self, upload: HashedUpload) -> None:
        self.upload = upload
        self.hasher = hashlib.sha256()
        self.sniffer = CharsetSniffer()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload")
        self.pending: Future | None = None

    def _consume(self, chunk: bytes) -> None:
        self.hasher.update(chunk)
        self.upload.file.write(chunk)
        self.sniffer.feed(chunk)

    def feed(self, chunk: bytes) -> None:
        self.wait()
        self.pending = self.executor.submit(self._consume, chunk)

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def finish(self) -> str:
        """Every chunk hashed and written; the file's SHA-256."""
        try:
            self.wait()
        finally:
            self.executor.shutdown(wait=True)
        return self.hasher.hexdigest()

    def abandon(self) -> None:
        with contextlib.suppress(Exception):  # the upload is being thrown away anyway
            self.wait()
        self.executor.shutdown(wait=True)


class EvidenceUploadHandler(FileUploadHandler):
    chunk_size = CHUNK_BYTES

    def __init__(
        self, request=None, *, max_file_bytes: int | None = None, max_files: int | None = None
    ) -> None:
        super().__init__(request)
        self.max_file_bytes = settings.EVIDENCE_MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
        self.max_files = settings.EVIDENCE_MAX_FILES_PER_UPLOAD if max_files is None else max_files
        self.files_seen = 0
        self.directory = incoming_directory()
        self.upload: HashedUpload | None = None
        self.pipeline: _Pipeline | None = None

    def new_file(
        self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None
    ):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.files_seen += 1
        self.upload = HashedUpload(file_name, content_type, charset, self.directory)
        if self.files_seen > self.max_files:
            self.upload.too_many = True
        else:
            self.pipeline = _Pipeline(self.upload)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        upload = self.upload
        upload.size += len(raw_data)
        if upload.too_many or upload.too_big:
            return None
        if upload.size > self.max_file_bytes:
            # Stop keeping it: give the disk space back and ignore the rest as it streams past.
            upload.too_big = True
            self.pipeline.abandon()
            self.pipeline = None
            upload.file.seek(0)
            upload.file.truncate()
            return None
        self.pipeline.feed(raw_data)
        return None  # consumed: no later handler sees the data

    def file_complete(self, file_size: int) -> HashedUpload:
        upload = self.upload
        if self.pipeline is not None:
            pipeline, self.pipeline = self.pipeline, None
            digest = pipeline.finish()
            if not (upload.too_big or upload.too_many):
                upload.sha256 = digest
                upload.charset = pipeline.sniffer.charset()
        upload.file.flush()
        upload.file.seek(0)
        self.upload = None
        return upload

    def upload_interrupted(self) -> None:
        if self.pipeline is not None:
            self.pipeline.abandon()
            self.pipeline = None
        if self.upload is not None:
            self.upload.close()
            self.upload = None
