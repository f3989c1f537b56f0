"""The upload handler streams each file to disk a chunk at a time, hashing as it goes.

Memory is measured with tracemalloc while tens of megabytes pass through: if any part of the
handler (or the way the view uses Django's parser) kept whole files in memory, the peak would be
the size of the file, not of a chunk or two.
"""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from collections.abc import Iterator

import pytest
from django.http.multipartparser import MultiPartParser
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.uploads import CHUNK_BYTES, EvidenceUploadHandler

MB = 1024 * 1024


def chunks(count: int, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """`count` chunks of varied bytes, made one at a time."""
    for n in range(count):
        yield hashlib.sha256(n.to_bytes(4, "big")).digest() * (size // 32)


class GeneratedStream(io.RawIOBase):
    """A request body produced as it is read, never held whole (like a socket)."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self.pieces = pieces
        self.pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.pending) < size:
            piece = next(self.pieces, None)
            if piece is None:
                break
            self.pending += piece
        if size < 0:
            size = len(self.pending)
        out, self.pending = self.pending[:size], self.pending[size:]
        return out


BOUNDARY = "----evidence-boundary-7MA4YWxkTrZu0gW"


def multipart(files: list[tuple[str, int]]) -> tuple[Iterator[bytes], int]:
    """A multipart body of files of `count` generated chunks each, and its length."""

    def head(name: str) -> bytes:
        return (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()

    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    length = sum(len(head(name)) + count * CHUNK_BYTES + 2 for name, count in files) + len(tail) - 2

    def body() -> Iterator[bytes]:
        for index, (name, count) in enumerate(files):
            yield (b"\r\n" if index else b"") + head(name)
            yield from chunks(count)
        yield tail

    return body(), length


def parse(files: list[tuple[str, int]], handler: EvidenceUploadHandler):
    body, length = multipart(files)
    meta = {"CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "CONTENT_LENGTH": str(length)}
    return MultiPartParser(meta, GeneratedStream(body), [handler], "utf-8").parse()


def test_the_handler_writes_each_chunk_to_disk_and_hashes_the_whole_file(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    handler = EvidenceUploadHandler(max_file_bytes=100 * MB, max_files=10)
    handler.directory = str(tmp_path)
    handler.new_file("files", "minutes.txt", "text/plain", None)
    whole = hashlib.sha256()
    written = 0
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        start = 0
        for chunk in chunks(48):
            whole.update(chunk)
            # The handler consumes the chunk: nothing is passed on to be kept by anyone else.
            assert handler.receive_data_chunk(chunk, start) is None
            start += len(chunk)
            written += len(chunk)
            assert os.path.getsize(handler.upload.temporary_file_path()) <= written
            del chunk
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    upload = handler.file_complete(written)
    assert upload.size == written == 48 * CHUNK_BYTES
    assert os.path.getsize(upload.temporary_file_path()) == written
    assert upload.sha256 == whole.hexdigest()
    assert not upload.too_big
    # 48 MB went through; the handler never held more than the chunk in hand (and a little).
    assert peak < 3 * CHUNK_BYTES, f"peak {peak / MB:.1f} MB"
    upload.close()


def test_an_upload_streams_through_djangos_parser_in_constant_memory(tmp_path):
    handler = EvidenceUploadHandler(max_file_bytes=100 * MB, max_files=10)
    handler.directory = str(tmp_path)
    expected = hashlib.sha256()
    for chunk in chunks(40):
        expected.update(chunk)
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        _, files = parse([("survey.csv", 40)], handler)
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    upload = files["files"]
    assert upload.size == 40 * CHUNK_BYTES
    assert upload.sha256 == expected.hexdigest()
    with open(upload.temporary_file_path(), "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == expected.hexdigest()
    # 40 MB parsed with a few chunks' worth of memory: the parser's look-ahead and ours.
    assert peak < 8 * CHUNK_BYTES, f"peak {peak / MB:.1f} MB"
    upload.close()


def test_a_file_over_the_limit_stops_being_kept_while_it_streams(tmp_path):
    handler = EvidenceUploadHandler(max_file_bytes=3 * MB, max_files=10)
    handler.directory = str(tmp_path)
    _, files = parse([("big.pdf", 8), ("small.txt", 1)], handler)
    big, small = files.getlist("files")
    assert big.too_big and big.size == 8 * CHUNK_BYTES
    assert os.path.getsize(big.temporary_file_path()) == 0
    assert big.sha256 == ""
    assert not small.too_big and small.size == CHUNK_BYTES
    assert os.path.getsize(small.temporary_file_path()) == CHUNK_BYTES


def test_files_past_the_per_upload_limit_keep_their_names_and_nothing_else(tmp_path):
    handler = EvidenceUploadHandler(max_file_bytes=10 * MB, max_files=2)
    handler.directory = str(tmp_path)
    _, files = parse([("a.txt", 1), ("b.txt", 1), ("c.txt", 2)], handler)
    a, b, c = files.getlist("files")
    assert not a.too_many and not b.too_many
    assert c.too_many and c.name == "c.txt"
    assert os.path.getsize(c.temporary_file_path()) == 0


@pytest.mark.django_db
def test_uploads_arrive_next_to_the_evidence_store_so_storing_them_is_a_rename(settings):
    from pathlib import Path

    from evidence.uploads import incoming_directory

    assert Path(incoming_directory()).parent == Path(settings.STORAGES["evidence"]["OPTIONS"]["location"])


class DiskFullAfter:
    """A file that takes `n` writes and then fails as a full disk would."""

    def __init__(self, file, n: int) -> None:
        self.file, self.left = file, n

    def write(self, data: bytes) -> int:
        if self.left == 0:
            raise OSError(28, "No space left on device")
        self.left -= 1
        return self.file.write(data)

    def __getattr__(self, name):
        return getattr(self.file, name)


def test_a_write_that_fails_on_the_hashing_thread_fails_the_upload_in_the_request(tmp_path):
    """Chunks are hashed and written on a second thread; its errors must not be lost, or a
    half-written file would be stored under a hash of data that never reached the disk."""
    handler = EvidenceUploadHandler(max_file_bytes=100 * MB, max_files=10)
    handler.directory = str(tmp_path)
    handler.new_file("files", "minutes.txt", "text/plain", None)
    handler.upload.file = DiskFullAfter(handler.upload.file, 2)
    with pytest.raises(OSError, match="No space left"):
        start = 0
        for chunk in chunks(6):
            handler.receive_data_chunk(chunk, start)
            start += len(chunk)
        handler.file_complete(start)
    handler.upload_interrupted()  # what Django's parser does when a handler raises
    assert handler.upload is None


def test_chunks_reach_the_disk_in_the_order_they_arrived(tmp_path):
    handler = EvidenceUploadHandler(max_file_bytes=100 * MB, max_files=10)
    handler.directory = str(tmp_path)
    handler.new_file("files", "report.txt", "text/plain", None)
    pieces = [bytes([n]) * 4096 for n in range(200)]
    for n, piece in enumerate(pieces):
        handler.receive_data_chunk(piece, n * 4096)
    upload = handler.file_complete(200 * 4096)
    with open(upload.temporary_file_path(), "rb") as f:
        assert f.read() == b"".join(pieces)
    assert upload.sha256 == hashlib.sha256(b"".join(pieces)).hexdigest()
    upload.close()


# ---------------------------------------------------------------------------------------------
# A text file's charset, learnt on the hashing thread as the chunks arrive


def _whole_file_charset(data: bytes) -> str | None:
    """What the charset of a whole text file is, by the rule validation keeps: UTF-8 (a BOM
    allowed), else Windows-1252, and never a file with a NUL byte."""
    if b"\x00" in data:
        return None
    for encoding, charset in (("utf-8-sig", "utf-8"), ("cp1252", "windows-1252")):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return charset
    return None


TEXTY = st.lists(
    st.one_of(
        st.text(max_size=20).map(lambda t: t.encode("utf-8")),
        st.text(alphabet="£€éü’ abc", max_size=20).map(lambda t: t.encode("cp1252")),
        st.binary(max_size=8),
        st.sampled_from([b"\xef\xbb\xbf", b"\x81", b"\x9d", b"\x00", "€".encode(), b"\xe2\x82"]),
    ),
    max_size=12,
).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(data=TEXTY, cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=6))
def test_the_sniffed_charset_is_the_whole_files_however_it_is_cut_into_chunks(data, cuts):
    from evidence.validation import CharsetSniffer, text_charset

    sniffer = CharsetSniffer()
    points = sorted({min(c, len(data)) for c in cuts})
    for start, end in zip([0, *points], [*points, len(data)], strict=True):
        sniffer.feed(data[start:end])
    assert sniffer.charset() == _whole_file_charset(data)
    assert text_charset(io.BytesIO(data)) == _whole_file_charset(data)


def test_an_uploaded_text_file_is_not_read_again_to_learn_its_charset(tmp_path, monkeypatch):
    from evidence import validation

    handler = EvidenceUploadHandler(max_file_bytes=100 * MB, max_files=10)
    handler.directory = str(tmp_path)
    handler.new_file("files", "survey.csv", "text/csv", None)
    text = "Response,Answer\n1,Café £5 – agreed\n".encode("cp1252") * 5000
    for n in range(0, len(text), 4096):
        handler.receive_data_chunk(text[n : n + 4096], n)
    upload = handler.file_complete(len(text))
    assert upload.charset == "windows-1252"

    def read_again(stream):
        raise AssertionError("validation read the whole file again")

    monkeypatch.setattr(validation, "text_charset", read_again)
    content_type = validation.validate_file(
        upload.temporary_file_path(), "survey.csv", max_bytes=100 * MB, sniffed=upload.charset
    )
    assert content_type.endswith("charset=windows-1252")
    upload.close()
