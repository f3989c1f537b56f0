"""Is an uploaded file what its name says, and safe to keep? Pure functions on a file on disk.

The checks run in this order, each more expensive than the one before, and the first problem
found is the one reported (security.md, "Uploads"):

1. size: an empty file, or one over the limit;
2. extension: an allowlist, with a specific message for each kind we refuse on purpose
   (macro-enabled Office files, legacy Office files, web pages, SVG, archives, programs);
3. content sniff: the first bytes must be the signature of the type the name claims, so an
   executable renamed ``.pdf`` is refused;
4. structure: Office and OpenDocument files are zip archives, so their directory is read
   (without extracting anything) for the parts they must have, the macro parts they must not,
   and the sizes that give away a zip bomb; PDFs must parse and must not be encrypted; images
   must open in the format their name says; a PDF that runs JavaScript or another program as it
   opens, or that carries other files inside it, is refused as macros in Office files are.

Nothing here reads a whole file into memory: a text file is decoded a chunk at a time, a PDF is
parsed from an open file (pypdf would copy a file it opens by path into memory), and a zip's
central directory is all that is read of an archive, apart from its small manifest.

`validate_file` returns the detected content type, or raises `FileProblem` with a message
written for the person who uploaded the file.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from engagement_portal.lib.sizes import file_size

CHUNK_BYTES = 1024 * 1024
# What validation is given for a text file's charset when nobody learnt it as the file arrived
# (CharsetSniffer): it then reads the file to find out.
NOT_SNIFFED = object()

# Zip bomb limits for Office and OpenDocument files. A real 50 MB spreadsheet unpacks to a few
# hundred MB at most; a zip bomb unpacks to gigabytes from a few hundred KB.
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# XML compresses about 10:1 and repeated rows somewhat better; a part that claims to expand more
# than 100 times (and to more than 1 MB, so tiny parts do not count) is made to be a bomb.
MAX_ZIP_RATIO = 100
ZIP_RATIO_APPLIES_FROM = 1024 * 1024
# [Content_Types].xml and an OpenDocument mimetype entry are a few KB.
MAX_MANIFEST_BYTES = 1024 * 1024

MAX_NAME_CHARS = 255
MAX_EXTENSION_CHARS = 10

ALLOWED_TYPES = (
    "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument (.odt, .ods, .odp), CSV, "
    "text (.txt), PNG or JPEG"
)


class FileProblem(Exception):
    """What is wrong with a file, in words for the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FileType:
    content_type: str
    family: str  # pdf, ooxml, odf, text, png, jpeg
    description: str  # "a PDF", "a Word document": for messages
    # OOXML: the content type of the main part; ODF: the mimetype entry.
    main_part: str = ""


OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."

ALLOWED: dict[str, FileType] = {
    "pdf": FileType("application/pdf", "pdf", "a PDF"),
    "docx": FileType(
        OOXML + "wordprocessingml.document",
        "ooxml",
        "a Word document",
        OOXML + "wordprocessingml.document.main+xml",
    ),
    "xlsx": FileType(
        OOXML + "spreadsheetml.sheet", "ooxml", "an Excel spreadsheet", OOXML + "spreadsheetml.sheet.main+xml"
    ),
    "pptx": FileType(
        OOXML + "presentationml.presentation",
        "ooxml",
        "a PowerPoint presentation",
        OOXML + "presentationml.presentation.main+xml",
    ),
    "odt": FileType(ODF + "text", "odf", "an OpenDocument text document", ODF + "text"),
    "ods": FileType(ODF + "spreadsheet", "odf", "an OpenDocument spreadsheet", ODF + "spreadsheet"),
    "odp": FileType(ODF + "presentation", "odf", "an OpenDocument presentation", ODF + "presentation"),
    "csv": FileType("text/csv", "text", "a CSV file"),
    "txt": FileType("text/plain", "text", "a text file"),
    "png": FileType("image/png", "png", "a PNG image"),
    "jpg": FileType("image/jpeg", "jpeg", "a JPEG image"),
    "jpeg": FileType("image/jpeg", "jpeg", "a JPEG image"),
}

_MACRO_OFFICE = {"docm", "dotm", "xlsm", "xltm", "xlam", "xlsb", "pptm", "potm", "ppsm", "ppam", "sldm"}
_LEGACY_OFFICE = {"doc", "dot", "xls", "xlt", "xla", "ppt", "pot", "pps", "rtf", "wps", "wpd"}
_WEB_PAGES = {"html", "htm", "xhtml", "shtml", "mht", "mhtml", "xht", "hta", "xml", "xsl", "svg", "svgz"}
_ARCHIVES = {
    "zip",
    "7z",
    "rar",
    "tar",
    "gz",
    "tgz",
    "bz2",
    "tbz",
    "xz",
    "txz",
    "zst",
    "cab",
    "iso",
    "lz",
    "arj",
}
_PROGRAMS = {
    "exe", "dll", "com", "bat", "cmd", "msi", "msp", "scr", "cpl", "pif", "ps1", "psm1", "vbs", "vbe", "js",
    "jse", "wsf", "wsh", "jar", "sh", "bash", "py", "pl", "rb", "php", "apk", "app", "dmg", "pkg", "deb",
    "rpm", "bin", "elf", "so", "dylib", "lnk", "reg", "inf", "iqy", "slk", "appx", "msix", "gadget",
}  # fmt: skip


def _refused_extension_message(extension: str) -> str | None:
    dotted = f".{extension}"
    if extension in _MACRO_OFFICE:
        modern = {"d": "docx", "x": "xlsx", "p": "pptx", "s": "pptx"}[extension[0]]
        return (
            f"{dotted} files contain macros, which can run harmful code, so they cannot be uploaded. "
            f"Save it as a .{modern} file without macros, or as a PDF, and upload that."
        )
    if extension in _LEGACY_OFFICE:
        return (
            f"Older Office files ({dotted}) cannot be uploaded, because they can hide macros. "
            "Open it and save it as .docx, .xlsx or .pptx, or as a PDF, and upload that."
        )
    if extension in {"svg", "svgz"}:
        return (
            "SVG images cannot be uploaded, because they can contain scripts. "
            "Save the image as a PNG or JPEG and upload that."
        )
    if extension in _WEB_PAGES:
        return (
            f"Web pages ({dotted}) cannot be uploaded, because they can contain scripts. "
            "Save the page as a PDF and upload that."
        )
    if extension in _ARCHIVES:
        return (
            f"Archives ({dotted}) cannot be uploaded. "
            "Take the documents out of the archive and upload them one by one."
        )
    if extension in _PROGRAMS:
        return f"Programs and scripts ({dotted}) cannot be uploaded. Upload a document instead."
    return None


# ---------------------------------------------------------------------------------------------
# File names


def sanitise_file_name(name: str) -> str:
    """The original file name, made safe to show and to offer back in a download.

    Only ever metadata: files are stored under random keys. Any path is dropped (``../../x.pdf``
    and ``C:\\Users\\x.pdf`` both become ``x.pdf``), control and formatting characters (including
    right-to-left overrides that disguise an extension) are removed, and a name longer than 255
    characters is cut short before its extension, so the extension survives.
    """
    name = unicodedata.normalize("NFC", name).replace("\\", "/")
    name = name.rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split())  # tabs, newlines and runs of spaces
    name = name.strip(" .")
    if not name:
        return "file"
    if len(name) <= MAX_NAME_CHARS:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and len(extension) <= MAX_EXTENSION_CHARS:
        return stem[: MAX_NAME_CHARS - len(extension) - 1].rstrip(" .") + "." + extension
    return name[:MAX_NAME_CHARS]


def extension_of(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    return suffix[1:].lower() if suffix else ""


# ---------------------------------------------------------------------------------------------
# The checks


def check_size(path: str | os.PathLike, *, max_bytes: int) -> int:
    size = os.path.getsize(path)
    if size == 0:
        raise FileProblem("The file is empty. Check you chose the right file, and upload it again.")
    if size > max_bytes:
        raise FileProblem(too_big_message(max_bytes))
    return size


def too_big_message(max_bytes: int) -> str:
    return (
        f"The file must be smaller than {file_size(max_bytes)}. "
        "Make it smaller (for example, save it as a PDF with smaller images) or split it, "
        "and upload it again."
    )


def check_extension(name: str) -> FileType:
    extension = extension_of(name)
    if not extension:
        raise FileProblem(
            f"The file name must end with its type, such as .pdf or .docx. Upload {ALLOWED_TYPES} files."
        )
    if extension in ALLOWED:
        return ALLOWED[extension]
    refused = _refused_extension_message(extension)
    if refused:
        raise FileProblem(refused)
    raise FileProblem(f".{extension} files cannot be uploaded. Upload {ALLOWED_TYPES} files.")


def _what_it_really_is(head: bytes) -> str | None:
    """A plain-English name for content that is clearly not a document we accept."""
    if head.startswith(b"MZ"):
        return "a Windows program"
    if head.startswith(b"\x7fELF"):
        return "a program"
    if head.startswith((b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")):
        return "a program"
    if head.startswith(b"#!"):
        return "a script"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "an older Office file (which can hide macros)"
    if head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ")):
        return "an archive"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return "a web page"
    if lowered.startswith(b"<svg") or (lowered.startswith(b"<?xml") and b"<svg" in lowered):
        return "an SVG image"
    return None


SIGNATURES = {
    "pdf": (b"%PDF-",),
    "ooxml": (b"PK\x03\x04",),
    "odf": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}


def check_content(path: str | os.PathLike, file_type: FileType, sniffed=NOT_SNIFFED) -> str | None:
    """The file's first bytes must be the signature of the type its name claims. Returns a text
    file's charset."""
    with open(path, "rb") as f:
        head = f.read(512)
    really = _what_it_really_is(head)
    if file_type.family == "text":
        if really:
            raise FileProblem(_mismatch(file_type, really))
        return check_text(path, file_type, sniffed)
    if not head.startswith(SIGNATURES[file_type.family]):
        raise FileProblem(_mismatch(file_type, really))
    return None


def _mismatch(file_type: FileType, really: str | None) -> str:
    if really:
        return (
            f"The file's name says it is {file_type.description}, but it is {really}. "
            f"It cannot be uploaded. Upload {ALLOWED_TYPES} files."
        )
    return (
        f"The file's name says it is {file_type.description}, but its content is not. "
        "It may be damaged, or renamed from another type. Open it, save it again in the right format, "
        "and upload it again."
    )


class CharsetSniffer:
    """Which charset a text is written in, learnt a chunk at a time as the chunks arrive: "utf-8"
    (as most software saves text today) or "windows-1252" (Excel's "CSV" on Windows), in that
    order of preference; None if it is neither, or holds NUL bytes (which only binary files have).

    The upload handler feeds it each chunk on its hashing thread (evidence/uploads.py), so a text
    file's charset is known when the upload ends and the file need not be read again. It keeps
    no more than a small slice of decoded text at a time: UTF-8 is checked by decoding 64 KB
    slices and dropping the text; Windows-1252 decodes every byte but five, so it is checked by
    looking for those."""

    SLICE = 64 * 1024

    def __init__(self) -> None:
        self.nul = False
        self.utf8 = codecs.getincrementaldecoder("utf-8-sig")()
        self.utf8_ok = True
        self.cp1252_ok = True

    def feed(self, chunk: bytes) -> None:
        if self.nul or not (self.utf8_ok or self.cp1252_ok):
            return
        if b"\x00" in chunk:
            self.nul = True
            return
        # Plain ASCII is valid in both: only look further at chunks that are not (or that follow
        # a chunk ending part-way through a UTF-8 character).
        if chunk.isascii() and not self.utf8.getstate()[0]:
            return
        if self.cp1252_ok and _NOT_CP1252.search(chunk):
            self.cp1252_ok = False
        if self.utf8_ok:
            view = memoryview(chunk)
            try:
                for start in range(0, len(view), self.SLICE):
                    self.utf8.decode(view[start : start + self.SLICE])
            except UnicodeDecodeError:
                self.utf8_ok = False

    def charset(self) -> str | None:
        if self.nul:
            return None
        if self.utf8_ok:
            try:
                self.utf8.decode(b"", final=True)
                return "utf-8"
            except UnicodeDecodeError:
                self.utf8_ok = False
        return "windows-1252" if self.cp1252_ok else None


# The five bytes Windows-1252 leaves undefined (Python's cp1252 codec refuses them).
_NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def text_charset(stream: BinaryIO) -> str | None:
    """The charset a text stream is written in (see CharsetSniffer). Read a chunk at a time, from
    where the stream is."""
    sniffer = CharsetSniffer()
    while not sniffer.nul and (chunk := stream.read(CHUNK_BYTES)):
        sniffer.feed(chunk)
    return sniffer.charset()


def check_text(path: str | os.PathLike, file_type: FileType, sniffed=NOT_SNIFFED) -> str:
    """CSV and text files must be text: UTF-8 or Windows-1252, with no NUL bytes. Returns the
    charset, which the file's downloads name: `sniffed`, when the upload handler learnt it as
    the file arrived (a CharsetSniffer's answer), or else read from the file."""
    with open(path, "rb") as f:
        if b"\x00" in f.read(CHUNK_BYTES):
            raise FileProblem(
                f"The file's name says it is {file_type.description}, but it contains binary "
                "data, not text. Upload the original document instead."
            )
        f.seek(0)
        charset = text_charset(f) if sniffed is NOT_SNIFFED else sniffed
    if charset is None:
        raise FileProblem(
            f"The file's name says it is {file_type.description}, but it is not readable text. "
            "Save it again as UTF-8 text and upload it again."
        )
    return charset


def _open_zip(path: str | os.PathLike, file_type: FileType) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileProblem(_damaged(file_type)) from None


def _damaged(file_type: FileType) -> str:
    return (
        f"The file's name says it is {file_type.description}, but it is damaged or not a real "
        f"{file_type.description.split(' ', 1)[1]}. Open it, save it again and upload it again."
    )


def check_zip_limits(archive: zipfile.ZipFile, file_type: FileType) -> None:
    """Refuse a zip bomb from its directory alone, before anything is decompressed.

    Each limit has its own message, so the person is told which one the file broke: too many
    parts, too much data unpacked in all, or one part squeezed far more than documents are.

    The directory's sizes can lie, but zipfile never returns more than an entry's declared size
    (and fails its CRC check if the data disagrees), so whoever reads an entry later (text
    extraction) is held to what is checked here."""
    entries = archive.infolist()
    what = file_type.description
    if len(entries) > MAX_ZIP_ENTRIES:
        raise FileProblem(
            f"This file is {what} made of {len(entries):,} parts, more than the {MAX_ZIP_ENTRIES:,} "
            "a document may have (real documents have far fewer), so it cannot be uploaded. "
            "If it is a genuine document, save it as a PDF and upload that."
        )
    total = 0
    for info in entries:
        total += info.file_size
        if total > MAX_ZIP_UNCOMPRESSED_BYTES:
            raise FileProblem(
                f"This file is {what} that would unpack to more than "
                f"{file_size(MAX_ZIP_UNCOMPRESSED_BYTES)}, far more data than a real document holds, "
                "which is how a “zip bomb” attack works, so it cannot be uploaded. "
                "If it is a genuine document, save it as a PDF and upload that."
            )
        if info.file_size > ZIP_RATIO_APPLIES_FROM and info.file_size > MAX_ZIP_RATIO * max(
            info.compress_size, 1
        ):
            raise FileProblem(
                f"This file is {what} with a part squeezed to less than a {MAX_ZIP_RATIO}th of its "
                "size, far more than real documents are, which is how a “zip bomb” attack works, "
                "so it cannot be uploaded. If it is a genuine document, save it as a PDF and upload that."
            )


def _read_entry(archive: zipfile.ZipFile, name: str, file_type: FileType) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise FileProblem(_damaged(file_type))
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError):
        raise FileProblem(_damaged(file_type)) from None


def _macro_message(file_type: FileType) -> str:
    return (
        f"This file contains macros, which can run harmful code, so it cannot be uploaded, even though "
        f"its name says it is {file_type.description}. Save it without macros (as "
        f"{file_type.description} or a PDF) and upload that."
    )


def check_ooxml(path: str | os.PathLike, file_type: FileType) -> None:
    with _open_zip(path, file_type) as archive:
        check_zip_limits(archive, file_type)
        names = {info.filename for info in archive.infolist()}
        if "[Content_Types].xml" not in names:
            raise FileProblem(_damaged(file_type))
        lowered = {name.lower() for name in names}
        if any(name.endswith(("vbaproject.bin", "vbadata.xml")) for name in lowered):
            raise FileProblem(_macro_message(file_type))
        content_types = _read_entry(archive, "[Content_Types].xml", file_type).decode("utf-8", "replace")
        if "macroenabled" in content_types.lower() or "vbaproject" in content_types.lower():
            raise FileProblem(_macro_message(file_type))
        if f'"{file_type.main_part}"' not in content_types:
            raise FileProblem(_damaged(file_type))


def check_odf(path: str | os.PathLike, file_type: FileType) -> None:
    with _open_zip(path, file_type) as archive:
        check_zip_limits(archive, file_type)
        names = [info.filename for info in archive.infolist()]
        if not names or names[0] != "mimetype":
            raise FileProblem(_damaged(file_type))
        mimetype = _read_entry(archive, "mimetype", file_type).decode("ascii", "replace").strip()
        if mimetype != file_type.main_part:
            raise FileProblem(_damaged(file_type))
        # OpenDocument keeps macros (Basic and other scripts) in these folders.
        if any(name.startswith(("Basic/", "Scripts/")) for name in names):
            raise FileProblem(_macro_message(file_type))


# Actions a PDF reader runs that do more than move around the document: JavaScript, and
# starting another program (/Launch). Refused when the PDF would run them by itself.
PDF_RUNNING_ACTIONS = {"/JavaScript", "/Launch"}
# Annotation triggers that fire as a page opens or comes into view, with no click.
PDF_PAGE_TRIGGERS = {"/PO", "/PV"}
# A bound on the work a hostile PDF can make the checks do (actions are chained by /Next).
PDF_MAX_ACTIONS = 1_000

PDF_ACTS_WHEN_OPENED = (
    "This PDF is set to run JavaScript or start another program when it is opened, which can run "
    "harmful code, so it cannot be uploaded. Print it to a new PDF (choose “Save as PDF” or "
    "“Microsoft Print to PDF” as the printer) and upload that."
)
PDF_HAS_ATTACHMENTS = (
    "This PDF has other files attached inside it, which can hide harmful code, so it cannot be "
    "uploaded. Print it to a new PDF (choose “Save as PDF” or “Microsoft Print to PDF” as the "
    "printer), which leaves the attachments out, and upload that. Upload any attached document "
    "you need as evidence of its own."
)


def _resolved(value):
    return value.get_object() if hasattr(value, "get_object") else value


def _runs_something(action, budget: list[int]) -> bool:
    """Does this action, or any action chained after it (/Next), run JavaScript or a program?"""
    pending = [action]
    while pending:
        budget[0] -= 1
        if budget[0] < 0:
            raise ValueError("Too many chained actions")
        current = _resolved(pending.pop())
        if isinstance(current, list):  # /Next may be an array of actions
            pending.extend(current)
            continue
        if not hasattr(current, "get"):
            continue  # a destination (a page to open at), not an action
        if current.get("/S") in PDF_RUNNING_ACTIONS or "/JS" in current:
            return True
        if "/Next" in current:
            pending.append(current["/Next"])
    return False


def _triggered(additional_actions, budget: list[int], triggers: set[str] | None = None) -> bool:
    """Does an additional-actions dictionary (/AA) run something on any of `triggers` (all
    of them when None)?"""
    actions = _resolved(additional_actions)
    if not hasattr(actions, "items"):
        return False
    return any(
        _runs_something(action, budget)
        for trigger, action in actions.items()
        if triggers is None or trigger in triggers
    )


def check_pdf_actions(reader) -> None:
    """Refuse a PDF that acts by itself when it is opened, or carries other files.

    - the catalogue's /OpenAction and additional actions (/AA), and each page's /AA (run as the
      page opens or closes), with JavaScript or /Launch anywhere in their /Next chains;
    - document-level JavaScript (the /Names tree's /JavaScript, run as the document opens);
    - annotations whose /AA runs as their page opens or comes into view;
    - attached files: the /Names tree's /EmbeddedFiles and file attachment annotations.

    Links and form fields whose actions run only when the reader clicks or types are allowed.
    A PDF whose actions are chained past PDF_MAX_ACTIONS is called damaged."""
    budget = [PDF_MAX_ACTIONS]
    catalogue = _resolved(reader.trailer["/Root"])
    open_action = catalogue.get("/OpenAction")
    if open_action is not None and _runs_something(open_action, budget):
        raise FileProblem(PDF_ACTS_WHEN_OPENED)
    if "/AA" in catalogue and _triggered(catalogue["/AA"], budget):
        raise FileProblem(PDF_ACTS_WHEN_OPENED)
    names = _resolved(catalogue.get("/Names"))
    if hasattr(names, "get"):
        if names.get("/JavaScript") is not None:
            raise FileProblem(PDF_ACTS_WHEN_OPENED)
        if names.get("/EmbeddedFiles") is not None:
            raise FileProblem(PDF_HAS_ATTACHMENTS)
    for page in reader.pages:
        if "/AA" in page and _triggered(page["/AA"], budget):
            raise FileProblem(PDF_ACTS_WHEN_OPENED)
        for reference in _resolved(page.get("/Annots")) or []:
            annotation = _resolved(reference)
            if not hasattr(annotation, "get"):
                continue
            if annotation.get("/Subtype") == "/FileAttachment":
                raise FileProblem(PDF_HAS_ATTACHMENTS)
            if "/AA" in annotation and _triggered(annotation["/AA"], budget, PDF_PAGE_TRIGGERS):
                raise FileProblem(PDF_ACTS_WHEN_OPENED)


def check_pdf(path: str | os.PathLike) -> None:
    from pypdf import PdfReader

    damaged = "The PDF is damaged and cannot be opened. Save it again as a PDF and upload it again."
    with open(path, "rb") as f:
        try:
            reader = PdfReader(f)
            if reader.is_encrypted:
                raise FileProblem(
                    "The PDF is protected with a password, so CQC assessors could not open it. "
                    "Save a copy without a password and upload that."
                )
            if len(reader.pages) < 1:
                raise FileProblem(damaged)
            check_pdf_actions(reader)
        except FileProblem:
            raise
        except Exception:  # pypdf raises many kinds of error for a broken file
            raise FileProblem(damaged) from None


def check_image(path: str | os.PathLike, file_type: FileType) -> None:
    from PIL import Image

    expected = "PNG" if file_type.family == "png" else "JPEG"
    damaged = (
        f"The file's name says it is {file_type.description}, but it is damaged or not a real "
        f"{expected} image. Save it again and upload it again."
    )
    with warnings.catch_warnings():
        # An image of absurd dimensions (a "decompression bomb") is refused, not just warned about.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=[expected]) as image:
                image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise FileProblem(
                "The image is too large (in pixels) to be opened safely. Make it smaller and upload it again."
            ) from None
        except Exception:  # Pillow raises many kinds of error for a broken image
            raise FileProblem(damaged) from None


def validate_file(path: str | os.PathLike, original_name: str, *, max_bytes: int, sniffed=NOT_SNIFFED) -> str:
    """Run every check in order; return the detected content type or raise FileProblem.
    `sniffed`: the text charset the upload handler learnt as the file arrived, if it did."""
    check_size(path, max_bytes=max_bytes)
    file_type = check_extension(original_name)
    charset = check_content(path, file_type, sniffed)
    if charset:
        return f"{file_type.content_type}; charset={charset}"
    if file_type.family == "ooxml":
        check_ooxml(path, file_type)
    elif file_type.family == "odf":
        check_odf(path, file_type)
    elif file_type.family == "pdf":
        check_pdf(path)
    elif file_type.family in {"png", "jpeg"}:
        check_image(path, file_type)
    return file_type.content_type
