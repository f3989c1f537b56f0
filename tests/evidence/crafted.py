"""Real files, good and bad, made at test time for the upload tests.

Each is the genuine article as far as the checks are concerned: a PDF written by pypdf, an
encrypted one encrypted by pypdf, Office files with the parts Office writes, a macro-enabled
document with its vbaProject.bin, a zip bomb of 300 MB of zeros, a PNG and a JPEG drawn by
Pillow, and the dangerous things people upload by mistake or on purpose.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

CT = "http://schemas.openxmlformats.org/package/2006/content-types"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
OOXML = "application/vnd.openxmlformats-officedocument."
DOCX_MAIN = OOXML + "wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
RELS = (
    XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)


def pdf(pages: int = 1, *, title: str = "Board minutes") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf()))
    writer.encrypt(user_password="secret", owner_password="owner-secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/Type"): NameObject("/Action")})
    action[NameObject("/S")] = NameObject(kind)
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def _rect(*corners: float) -> ArrayObject:
    return ArrayObject([FloatObject(corner) for corner in corners])


def pdf_with_open_action(kind: str = "/JavaScript") -> bytes:
    """A PDF whose catalogue runs an action as it opens: JavaScript, or a program (/Launch)."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf()))
    if kind == "/JavaScript":
        action = _action(kind, JS=TextStringObject("app.alert('Hello');"))
    else:
        action = _action(kind, F=TextStringObject("cmd.exe"))
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _pdf_bytes(writer)


def pdf_opening_at_a_page() -> bytes:
    """A harmless /OpenAction: open at the first page, fitted to the window."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf()))
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )
    return _pdf_bytes(writer)


def pdf_with_additional_action(*, on_page: bool = False) -> bytes:
    """Additional actions (/AA): a program launched as the document (or its first page) opens,
    reached through a chain of /Next actions behind a harmless one."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf()))
    launch = writer._add_object(_action("/Launch", F=TextStringObject("cmd.exe")))
    page_one = ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
    first = _action("/GoTo", D=page_one, Next=launch)
    target = writer.pages[0] if on_page else writer._root_object
    target[NameObject("/AA")] = DictionaryObject({NameObject("/O" if on_page else "/WC"): first})
    return _pdf_bytes(writer)


def pdf_with_document_javascript() -> bytes:
    """Document-level JavaScript in the /Names tree, which runs as the document opens."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf()))
    script = writer._add_object(_action("/JavaScript", JS=TextStringObject("app.alert('Hello');")))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("hello"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return _pdf_bytes(writer)


def pdf_with_embedded_file() -> bytes:
    """A file attached to the document (/Names /EmbeddedFiles)."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf()))
    writer.add_attachment("invoice.exe", EXE)
    return _pdf_bytes(writer)


def pdf_with_file_attachment_annotation() -> bytes:
    """A file attached to a page, as a paperclip annotation."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf()))
    stream = DecodedStreamObject()
    stream.set_data(EXE)
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("invoice.exe"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)}),
        }
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): _rect(50, 50, 70, 70),
            NameObject("/FS"): spec,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _pdf_bytes(writer)


def pdf_with_a_link() -> bytes:
    """A web link on a page: an action only when the reader clicks it, and harmless."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf()))
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): _rect(50, 50, 200, 70),
            NameObject("/A"): _action("/URI", URI=TextStringObject("https://www.cqc.org.uk/")),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return _pdf_bytes(writer)


def _content_types(main_type: str, *, extra: str = "", part: str = "word/document.xml") -> str:
    return (
        XML + f'<Types xmlns="{CT}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{main_type}"/>{extra}</Types>'
    )


def _document(text: str) -> str:
    return (
        XML + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(text: str = "Our engagement strategy") -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _content_types(DOCX_MAIN),
            "_rels/.rels": RELS,
            "word/document.xml": _document(text),
        }
    )


def xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _content_types(
                OOXML + "spreadsheetml.sheet.main+xml", part="xl/workbook.xml"
            ),
            "xl/workbook.xml": XML + "<workbook/>",
        }
    )


def pptx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _content_types(
                OOXML + "presentationml.presentation.main+xml", part="ppt/presentation.xml"
            ),
            "ppt/presentation.xml": XML + "<presentation/>",
        }
    )


def docm() -> bytes:
    """A macro-enabled Word document, as Word saves one: the macro project and its content type."""
    return _zip(
        {
            "[Content_Types].xml": _content_types(
                DOCM_MAIN,
                extra='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
            ),
            "_rels/.rels": RELS,
            "word/document.xml": _document("Enable content to see this document"),
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = AutoOpen" * 20,
        }
    )


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED
        )
        archive.writestr(
            "content.xml",
            XML
            + '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
        )
    return buffer.getvalue()


def write_zip_bomb(path: Path, *, megabytes: int = 300) -> Path:
    """A "Word document" whose one part is `megabytes` of zeros: about 300 KB on disk.

    Written a megabyte at a time, so making it costs no more memory than that."""
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _content_types(DOCX_MAIN))
        archive.writestr("_rels/.rels", RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(zeros)
    return path


def png(size: tuple[int, int] = (12, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 94, 165)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), (255, 221, 0)).save(buffer, "JPEG")
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'
)
HTML = (
    b"<!DOCTYPE html><html><head><title>Minutes</title></head><body><script>alert(1)</script></body></html>"
)
# The start of a Windows program: the MZ header and the DOS stub's message.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + (b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 400)
)
CSV = b"Question,Agree,Disagree\nThe panel was listened to,42,3\n"
