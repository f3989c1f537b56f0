"""The text of an uploaded file, for search: PDF, Word, Excel, PowerPoint, OpenDocument, CSV, TXT.

Runs in the background after the virus scan, on files that passed upload validation, but still
treats every file as hostile:

- Office and OpenDocument files are zip archives of XML. Each XML part is decompressed and
  parsed as a stream (expat, fed in chunks), with a cap on the bytes decompressed, so a zip
  bomb stops at the cap instead of filling memory. A part that declares a DTD or an entity
  (billion laughs, external entities) is refused outright: no genuine Office or OpenDocument
  part has one.
- PDFs go through pypdf, whose own decompression limits apply.
- Extraction stops at MAX_TEXT_CHARS characters (the text so far is kept) and gives up after
  TIME_LIMIT_SECONDS, checked between pages and between chunks.

The result is one of EvidenceFile.TextStatus: done (some text), none (a kind of file with no
text, such as an image, or a document without any, such as a scanned PDF), failed (unreadable).
"""

from __future__ import annotations

import codecs
import logging
import re
import time
import xml.parsers.expat
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 1_000_000
TIME_LIMIT_SECONDS = 60.0
# Most bytes decompressed from one XML part of an Office or OpenDocument file, and from all of
# them together: far beyond any real document's text, far below what a zip bomb would inflate to.
MAX_PART_BYTES = 100 * 1024 * 1024
MAX_ARCHIVE_BYTES = 300 * 1024 * 1024
CHUNK_SIZE = 64 * 1024

DONE, NONE, FAILED = "done", "none", "failed"


@dataclass(frozen=True)
class Extraction:
    status: str  # one of EvidenceFile.TextStatus: done, none, failed
    text: str = ""
    # Why it failed, or that the text was cut short; for the log, not for people.
    detail: str = ""


class ExtractionError(Exception):
    """The file cannot be read as the kind of file it claims to be."""


class _Full(Exception):
    """Enough text: stop reading."""


class _OutOfTime(Exception):
    """The time limit passed: stop reading."""


class _Text:
    """Collects text up to a number of characters and a deadline."""

    def __init__(self, max_chars: int, deadline: float) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.max_chars = max_chars
        self.deadline = deadline
        self.truncated = False

    def add(self, text: str) -> None:
        if not text:
            return
        room = self.max_chars - self.length
        if len(text) >= room:
            self.parts.append(text[:room])
            self.length = self.max_chars
            self.truncated = True
            raise _Full
        self.parts.append(text)
        self.length += len(text)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _OutOfTime

    def value(self) -> str:
        # PostgreSQL text cannot hold NUL; runs of blank lines and trailing spaces carry nothing.
        text = "".join(self.parts).replace("\x00", "")
        text = re.sub(r"[ \t]+\n", "\n", text)
        text = re.sub(r" +\t", "\t", text)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def extract_text(
    stream: BinaryIO,
    name: str,
    *,
    max_chars: int = MAX_TEXT_CHARS,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> Extraction:
    """The text of a file, chosen by the extension of its (original) name.

    `stream` must be seekable (a stored file is); it is read from the start.
    """
    extension = PurePosixPath(name.lower()).suffix.lstrip(".")
    extractor = EXTRACTORS.get(extension)
    if extractor is None:
        return Extraction(NONE, detail=f"no text is extracted from .{extension or '?'} files")
    collected = _Text(max_chars, time.monotonic() + time_limit)
    detail = ""
    try:
        stream.seek(0)
        extractor(stream, collected)
    except _Full:
        detail = f"text cut at {max_chars} characters"
    except _OutOfTime:
        if not collected.length:
            return Extraction(FAILED, detail=f"no text after {time_limit:g} seconds")
        detail = f"text cut after {time_limit:g} seconds"
    except ExtractionError as error:
        return Extraction(FAILED, detail=str(error))
    except Exception as error:  # a hostile or broken file can make any parser raise anything
        logger.info("Text extraction from %s failed", name, exc_info=True)
        return Extraction(FAILED, detail=f"{type(error).__name__}: {error}"[:500])
    text = collected.value()
    if not text:
        return Extraction(NONE, detail="the file holds no text")
    return Extraction(DONE, text=text, detail=detail)


# --- Plain text ------------------------------------------------------------------------------


def _plain(stream: BinaryIO, out: _Text) -> None:
    """UTF-8 (with or without a byte order mark), else Latin-1, which decodes any bytes."""
    # Four bytes per character at most in UTF-8: enough bytes for the longest text we keep.
    limit = out.max_chars * 4
    data = stream.read(limit)
    more = bool(stream.read(1))
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=not more)
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    out.add(text)


# --- PDF -------------------------------------------------------------------------------------


def _pdf(stream: BinaryIO, out: _Text) -> None:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(stream)
        # An encrypted PDF with an empty user password opens; any other is unreadable.
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("the PDF is protected by a password")
        for page in reader.pages:
            out.check_time()
            out.add(page.extract_text() or "")
            out.add("\n\n")
    except FileNotDecryptedError:
        raise ExtractionError("the PDF is protected by a password") from None
    except PdfReadError as error:
        raise ExtractionError(f"not a readable PDF: {error}") from None


# --- XML inside zip archives (Office Open XML, OpenDocument) ---------------------------------


class _XmlText:
    """Base for expat handlers that turn one XML part into text. Element names arrive as local
    names (the namespace is dropped), so both Transitional and Strict Office XML work."""

    def __init__(self, out: _Text) -> None:
        self.out = out

    def start(self, name: str, attributes: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def characters(self, data: str) -> None:
        pass


def _refuse_dtd(*args) -> None:
    raise ExtractionError("an XML part declares a DTD or entities, which documents never need")


def _parse_part(archive: zipfile.ZipFile, member: str, handler: _XmlText, budget: list[int]) -> None:
    """Stream one XML part of the archive through expat into the handler.

    `budget` is a one-item list holding the bytes still allowed to be decompressed from the
    whole archive."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.buffer_text = True
    parser.StartElementHandler = lambda name, attributes: handler.start(name.rpartition("}")[2], attributes)
    parser.EndElementHandler = lambda name: handler.end(name.rpartition("}")[2])
    parser.CharacterDataHandler = handler.characters
    read = 0
    try:
        with archive.open(member) as part:
            while chunk := part.read(CHUNK_SIZE):
                read += len(chunk)
                if read > MAX_PART_BYTES or read > budget[0]:
                    raise ExtractionError(f"{member} decompresses to more than the limit")
                handler.out.check_time()
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as error:
        raise ExtractionError(f"{member} is not well-formed XML: {error}") from None
    finally:
        budget[0] -= read


def _open_zip(stream: BinaryIO) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        raise ExtractionError("not a valid zip-based document") from None


def _numbered(names: Iterable[str], pattern: str) -> list[str]:
    """Members matching `pattern` (with one number group), in numeric order: slide2 before slide10."""
    regex = re.compile(pattern)
    found = [(int(m.group(1)), name) for name in names if (m := regex.fullmatch(name))]
    return [name for _, name in sorted(found)]


def _parse_parts(
    stream: BinaryIO, parts: Callable[[list[str]], list[str]], handler_class, out: _Text
) -> None:
    with _open_zip(stream) as archive:
        members = parts(archive.namelist())
        if not members:
            raise ExtractionError("the document has none of the parts that hold its text")
        budget = [MAX_ARCHIVE_BYTES]
        for member in members:
            _parse_part(archive, member, handler_class(out), budget)
            out.add("\n\n")


class _ParagraphText(_XmlText):
    """Word and PowerPoint: text runs in `t` elements, paragraphs in `p`, tabs and breaks."""

    def __init__(self, out: _Text) -> None:
        super().__init__(out)
        self.in_text = 0
        self.in_tab_stops = 0
        self.in_cell = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "t":
            self.in_text += 1
        elif name == "tc":
            self.in_cell += 1
        elif name == "tabs":  # a paragraph's tab stops, whose `tab` elements are not tabs
            self.in_tab_stops += 1
        elif name == "tab" and not self.in_tab_stops:
            self.out.add("\t")
        elif name in ("br", "cr"):
            self.out.add("\n")

    def end(self, name: str) -> None:
        if name == "t":
            self.in_text -= 1
        elif name == "tabs":
            self.in_tab_stops -= 1
        elif name == "p":
            # Paragraphs inside a table cell stay on the row's line.
            self.out.add(" " if self.in_cell else "\n")
        elif name == "tc":  # a table cell
            self.in_cell -= 1
            self.out.add("\t")
        elif name == "tr":
            self.out.add("\n")

    def characters(self, data: str) -> None:
        if self.in_text:
            self.out.add(data)


def _docx(stream: BinaryIO, out: _Text) -> None:
    def parts(names: list[str]) -> list[str]:
        main = [n for n in ("word/document.xml",) if n in names]
        extras = [n for n in ("word/footnotes.xml", "word/endnotes.xml", "word/comments.xml") if n in names]
        return main + extras if main else []

    _parse_parts(stream, parts, _ParagraphText, out)


def _pptx(stream: BinaryIO, out: _Text) -> None:
    def parts(names: list[str]) -> list[str]:
        return _numbered(names, r"ppt/slides/slide(\d+)\.xml") + _numbered(
            names, r"ppt/notesSlides/notesSlide(\d+)\.xml"
        )

    _parse_parts(stream, parts, _ParagraphText, out)


class _SharedStrings(_XmlText):
    """xl/sharedStrings.xml: the text of string cells, one `si` each, in order."""

    def __init__(self, out: _Text, strings: list[str], max_chars: int) -> None:
        super().__init__(out)
        self.strings = strings
        self.current: list[str] = []
        self.in_text = 0
        self.room = max_chars

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "si":
            self.current = []
        elif name == "t":
            self.in_text += 1

    def end(self, name: str) -> None:
        if name == "t":
            self.in_text -= 1
        elif name == "si":
            text = "".join(self.current)[: max(self.room, 0)]
            self.room -= len(text)
            self.strings.append(text)

    def characters(self, data: str) -> None:
        if self.in_text and self.room > 0:
            self.current.append(data)


class _Worksheet(_XmlText):
    """xl/worksheets/sheetN.xml: cells (`c`) in rows (`row`). A cell of type "s" holds an index
    into the shared strings; "inlineStr" holds its text in `is/t`; others hold a value in `v`."""

    def __init__(self, out: _Text, strings: list[str]) -> None:
        super().__init__(out)
        self.strings = strings
        self.cell_type = ""
        self.value: list[str] = []
        self.capturing = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "c":
            self.cell_type = attributes.get("t", "")
            self.value = []
        elif name in ("v", "t"):
            self.capturing += 1

    def end(self, name: str) -> None:
        if name in ("v", "t"):
            self.capturing -= 1
        elif name == "c":
            value = "".join(self.value).strip()
            if self.cell_type == "s":
                try:
                    value = self.strings[int(value)]
                except (ValueError, IndexError):
                    value = ""
            if value:
                self.out.add(value)
                self.out.add("\t")
        elif name == "row":
            self.out.add("\n")

    def characters(self, data: str) -> None:
        if self.capturing:
            self.value.append(data)


def _xlsx(stream: BinaryIO, out: _Text) -> None:
    with _open_zip(stream) as archive:
        names = archive.namelist()
        sheets = _numbered(names, r"xl/worksheets/sheet(\d+)\.xml")
        if not sheets:
            raise ExtractionError("the workbook has no worksheets")
        budget = [MAX_ARCHIVE_BYTES]
        strings: list[str] = []
        if "xl/sharedStrings.xml" in names:
            _parse_part(archive, "xl/sharedStrings.xml", _SharedStrings(out, strings, out.max_chars), budget)
        for sheet in sheets:
            _parse_part(archive, sheet, _Worksheet(out, strings), budget)
            out.add("\n\n")


class _OpenDocumentText(_XmlText):
    """content.xml of an OpenDocument file: paragraphs (`p`) and headings (`h`) hold the text,
    in text documents, in spreadsheet cells and on presentation slides alike."""

    def __init__(self, out: _Text) -> None:
        super().__init__(out)
        self.in_paragraph = 0
        self.in_cell = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name in ("p", "h"):
            self.in_paragraph += 1
        elif name == "table-cell":
            self.in_cell += 1
        elif not self.in_paragraph:
            return
        elif name == "s":  # runs of spaces are one element: <text:s text:c="4"/>
            count = next((v for k, v in attributes.items() if k.rpartition("}")[2] == "c"), "1")
            self.out.add(" " * min(int(count) if count.isdigit() else 1, 100))
        elif name == "tab":
            self.out.add("\t")
        elif name == "line-break":
            self.out.add("\n")

    def end(self, name: str) -> None:
        if name in ("p", "h"):
            self.in_paragraph -= 1
            # Paragraphs inside a table cell stay on the row's line.
            self.out.add(" " if self.in_cell else "\n")
        elif name == "table-cell":
            self.in_cell -= 1
            self.out.add("\t")
        elif name == "table-row":
            self.out.add("\n")

    def characters(self, data: str) -> None:
        if self.in_paragraph:
            self.out.add(data)


def _odf(stream: BinaryIO, out: _Text) -> None:
    _parse_parts(stream, lambda names: [n for n in ("content.xml",) if n in names], _OpenDocumentText, out)


EXTRACTORS: dict[str, Callable[[BinaryIO, _Text], None]] = {
    "pdf": _pdf,
    "docx": _docx,
    "xlsx": _xlsx,
    "pptx": _pptx,
    "odt": _odf,
    "ods": _odf,
    "odp": _odf,
    "csv": _plain,
    "txt": _plain,
}
