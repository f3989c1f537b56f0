"""Text extraction for search: every accepted kind of file, and the limits on hostile ones."""

from __future__ import annotations

import io
import zipfile

import pytest

from evidence import text as text_module
from evidence.text import DONE, FAILED, NONE, extract_text
from tests.evidence import documents


def extract(content: bytes, name: str, **limits):
    return extract_text(io.BytesIO(content), name, **limits)


def test_word():
    result = extract(
        documents.docx("Board minutes, 12 March 2026", "Item 4: the engagement strategy"), "m.docx"
    )
    assert result.status == DONE
    assert result.text == "Board minutes, 12 March 2026\nItem 4: the engagement strategy"


def test_word_tabs_breaks_tables_and_footnotes():
    body = (
        "<w:p><w:r><w:t>Name</w:t><w:tab/><w:t>Role</w:t><w:br/>"
        '<w:t xml:space="preserve">Line two</w:t></w:r></w:p>'
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Cell A</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Cell B</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        # Deleted text in tracked changes is not the document's text.
        "<w:p><w:del><w:r><w:delText>withdrawn</w:delText></w:r></w:del></w:p>"
    )
    footnotes = (
        f'<w:footnotes xmlns:w="{documents.W}"><w:footnote><w:p><w:r><w:t>A footnote</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    )
    content = documents.docx(
        document_xml=f'<w:document xmlns:w="{documents.W}"><w:body>{body}</w:body></w:document>',
        extra={"word/footnotes.xml": footnotes},
    )
    result = extract(content, "table.docx")
    assert result.status == DONE
    assert "Name\tRole\nLine two" in result.text
    assert "Cell A\tCell B\n" in result.text
    assert "withdrawn" not in result.text
    assert result.text.endswith("A footnote")


def test_excel_shared_strings_numbers_and_sheets_in_order():
    sheets = [[["Theme", "Responses"], ["Access", 42]]] + [[[f"Sheet {n}"]] for n in range(2, 11)]
    result = extract(documents.xlsx(*sheets), "survey.xlsx")
    assert result.status == DONE
    assert result.text.startswith("Theme\tResponses\nAccess\t42")
    # sheet10 after sheet9, not after sheet1
    assert result.text.index("Sheet 9") < result.text.index("Sheet 10")


def test_powerpoint_slides_in_order_then_notes():
    slides = [[f"Slide {n} title", f"Slide {n} point"] for n in range(1, 12)]
    result = extract(documents.pptx(*slides, notes={1: "Speaker notes"}), "deck.pptx")
    assert result.status == DONE
    assert result.text.startswith("Slide 1 title\nSlide 1 point\n\nSlide 2 title")
    assert result.text.index("Slide 2 title") < result.text.index("Slide 11 title")
    assert result.text.endswith("Speaker notes")


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (documents.odt("You said, we did", "Spring 2026"), "report.odt", "You said, we did\nSpring 2026"),
        (documents.ods([["Group", "Count"], ["Carers", "17"]]), "data.ods", "Group\tCount\nCarers\t17"),
        (documents.odp("First slide", "Second slide"), "talk.odp", "First slide\nSecond slide"),
    ],
)
def test_opendocument(content, name, expected):
    result = extract(content, name)
    assert result.status == DONE
    assert result.text == expected


def test_opendocument_spaces_tabs_and_line_breaks():
    content = documents.odf(
        "odt",
        '<office:text><text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d</text:p></office:text>',
    )
    assert extract(content, "x.odt").text == "a   b\tc\nd"


def test_pdf_pages():
    result = extract(documents.pdf("Engagement strategy 2026", "Page two"), "strategy.PDF")
    assert result.status == DONE
    assert "Engagement strategy 2026" in result.text
    assert result.text.index("Engagement") < result.text.index("Page two")


def test_a_password_protected_pdf_fails():
    result = extract(documents.encrypted_pdf("Secret"), "locked.pdf")
    assert (result.status, result.text) == (FAILED, "")
    assert "password" in result.detail


def test_a_pdf_without_text_has_none():
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.write(buffer)
    assert extract(buffer.getvalue(), "scan.pdf").status == NONE


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Name,Group\r\nAsha,Carers\r\n", "Name,Group\nAsha,Carers"),
        ("\ufeffCafé, naïve".encode(), "Café, naïve"),  # UTF-8 with a byte order mark
        ("Café £5".encode("latin-1"), "Café £5"),  # not UTF-8: Latin-1
        ("Zürich".encode("cp1252"), "Zürich"),
    ],
)
def test_csv_and_text(content, expected):
    for name in ("data.csv", "notes.txt"):
        result = extract(content, name)
        assert result.status == DONE
        assert result.text.replace("\r\n", "\n") == expected


def test_nul_characters_are_dropped_for_postgresql():
    assert extract(b"a\x00b", "x.txt").text == "ab"


@pytest.mark.parametrize("name", ["photo.png", "photo.jpg", "photo.jpeg", "README", "archive.zip"])
def test_files_without_text_have_none(name):
    assert extract(b"\x89PNG\r\n\x1a\n....", name).status == NONE


def test_empty_documents_have_none():
    assert extract(b"", "empty.txt").status == NONE
    assert extract(documents.docx(), "empty.docx").status == NONE


def test_text_is_capped_and_kept():
    result = extract(b"abcdefghij" * 100, "long.txt", max_chars=25)
    assert result.status == DONE
    assert result.text == ("abcdefghij" * 3)[:25]
    assert "cut at 25" in result.detail

    result = extract(documents.docx(*["word " * 20] * 50), "long.docx", max_chars=300)
    assert len(result.text) <= 300
    assert result.status == DONE


def test_a_long_utf8_text_cut_inside_a_character_still_decodes_as_utf8():
    result = extract("é".encode() * 50, "x.txt", max_chars=5)
    assert result.text == "ééééé"


def test_running_out_of_time_keeps_nothing_or_what_was_read(monkeypatch):
    result = extract(documents.pdf("One", "Two"), "slow.pdf", time_limit=0)
    assert result.status == FAILED
    assert "seconds" in result.detail


@pytest.mark.parametrize(
    "document_xml",
    [
        # billion laughs
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{documents.W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body>'
        "</w:document>",
        # an external entity reading a local file
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<w:document xmlns:w="{documents.W}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body>'
        "</w:document>",
        # a bare DOCTYPE
        f'<!DOCTYPE html><w:document xmlns:w="{documents.W}"><w:body/></w:document>',
    ],
)
def test_xml_with_a_dtd_or_entities_is_refused(document_xml):
    result = extract(documents.docx(document_xml=document_xml), "evil.docx")
    assert result.status == FAILED
    assert "DTD" in result.detail
    assert "root:" not in result.text


def test_a_part_that_decompresses_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(text_module, "MAX_PART_BYTES", 10_000)
    body = "<w:p><w:r><w:t>" + "x" * 50_000 + "</w:t></w:r></w:p>"
    content = documents.docx(
        document_xml=f'<w:document xmlns:w="{documents.W}"><w:body>{body}</w:body></w:document>'
    )
    result = extract(content, "bomb.docx")
    assert result.status == FAILED
    assert "limit" in result.detail


def test_all_parts_together_are_limited_too(monkeypatch):
    monkeypatch.setattr(text_module, "MAX_ARCHIVE_BYTES", 3_000)
    slides = [["y" * 1000] for _ in range(5)]
    result = extract(documents.pptx(*slides), "big.pptx")
    assert result.status == FAILED


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"not a zip at all", "broken.docx"),
        (b"%PDF-1.4\nnonsense", "broken.pdf"),
        (documents.docx(document_xml="<w:document><unclosed>"), "malformed.docx"),
    ],
)
def test_unreadable_files_fail(content, name):
    result = extract(content, name)
    assert result.status == FAILED
    assert result.detail


def test_a_zip_without_the_text_part_fails():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("something/else.xml", "<x/>")
    assert extract(buffer.getvalue(), "odd.docx").status == FAILED
    assert extract(buffer.getvalue(), "odd.xlsx").status == FAILED
    assert extract(buffer.getvalue(), "odd.odt").status == FAILED
