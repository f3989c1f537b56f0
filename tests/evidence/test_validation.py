"""The validation pipeline on real files: what is accepted as what, and what each refusal says."""

from __future__ import annotations

import pytest

from evidence.validation import FileProblem, sanitise_file_name, validate_file
from tests.evidence import crafted

MB = 1024 * 1024
LIMIT = 50 * MB


def write(tmp_path, content: bytes, name: str = "upload"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def check(tmp_path, content: bytes, name: str) -> str:
    return validate_file(write(tmp_path, content), name, max_bytes=LIMIT)


def problem(tmp_path, content: bytes, name: str) -> str:
    with pytest.raises(FileProblem) as refused:
        check(tmp_path, content, name)
    return refused.value.message


@pytest.mark.parametrize(
    ("make", "name", "content_type"),
    [
        (crafted.pdf, "minutes.pdf", "application/pdf"),
        (
            crafted.docx,
            "strategy.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (crafted.odt, "plan.odt", "application/vnd.oasis.opendocument.text"),
        (crafted.png, "poster.png", "image/png"),
        (crafted.jpeg, "photo.JPG", "image/jpeg"),
        (crafted.jpeg, "photo.jpeg", "image/jpeg"),
        (lambda: crafted.CSV, "survey.csv", "text/csv; charset=utf-8"),
        (lambda: "Notes from the panel, £20 vouchers\n".encode(), "notes.txt", "text/plain; charset=utf-8"),
        (lambda: "Costs,£20\n".encode("cp1252"), "costs.csv", "text/csv; charset=windows-1252"),
    ],
)
def test_real_documents_are_accepted_with_their_content_type(tmp_path, make, name, content_type):
    assert check(tmp_path, make(), name) == content_type


def test_real_excel_and_powerpoint_files_are_accepted(tmp_path):
    assert check(tmp_path, crafted.xlsx(), "survey.xlsx").endswith("spreadsheetml.sheet")
    assert check(tmp_path, crafted.pptx(), "slides.pptx").endswith("presentationml.presentation")


def test_an_empty_file_is_refused(tmp_path):
    assert problem(tmp_path, b"", "minutes.pdf").startswith("The file is empty")


def test_a_file_over_the_limit_is_refused_with_the_limit_in_words(tmp_path):
    path = write(tmp_path, b"%PDF-" + bytes(2 * MB))
    with pytest.raises(FileProblem) as refused:
        validate_file(path, "big.pdf", max_bytes=MB)
    assert refused.value.message.startswith("The file must be smaller than 1\xa0MB")


def test_an_exe_renamed_pdf_is_called_a_windows_program(tmp_path):
    message = problem(tmp_path, crafted.EXE, "minutes.pdf")
    assert message.startswith("The file's name says it is a PDF, but it is a Windows program.")


def test_a_docm_renamed_docx_is_refused_for_its_macros(tmp_path):
    message = problem(tmp_path, crafted.docm(), "strategy.docx")
    assert message.startswith("This file contains macros, which can run harmful code")


def test_a_zip_bomb_saved_as_docx_is_refused(tmp_path):
    bomb = crafted.write_zip_bomb(tmp_path / "bomb")
    assert bomb.stat().st_size < 2 * MB
    with pytest.raises(FileProblem) as refused:
        validate_file(bomb, "report.docx", max_bytes=LIMIT)
    assert "zip bomb" in refused.value.message


def test_a_zip_bomb_under_the_total_cap_is_refused_for_its_compression_ratio(tmp_path):
    bomb = crafted.write_zip_bomb(tmp_path / "bomb", megabytes=150)
    with pytest.raises(FileProblem) as refused:
        validate_file(bomb, "report.docx", max_bytes=LIMIT)
    assert "zip bomb" in refused.value.message


def test_an_encrypted_pdf_is_refused(tmp_path):
    message = problem(tmp_path, crafted.encrypted_pdf(), "minutes.pdf")
    assert message.startswith("The PDF is protected with a password")


def test_a_damaged_pdf_is_refused(tmp_path):
    assert problem(tmp_path, b"%PDF-1.7\nnot really a pdf", "minutes.pdf").startswith("The PDF is damaged")


@pytest.mark.parametrize(
    ("content", "name", "start"),
    [
        (crafted.SVG, "logo.svg", "SVG images cannot be uploaded, because they can contain scripts."),
        (crafted.HTML, "minutes.html", "Web pages (.html) cannot be uploaded"),
        (crafted.HTML, "minutes.htm", "Web pages (.htm) cannot be uploaded"),
        (crafted.docm(), "strategy.docm", ".docm files contain macros"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.doc", "Older Office files (.doc) cannot be uploaded"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls", "Older Office files (.xls) cannot be uploaded"),
        (b"PK\x03\x04", "bundle.zip", "Archives (.zip) cannot be uploaded"),
        (crafted.EXE, "setup.exe", "Programs and scripts (.exe) cannot be uploaded"),
        (b"hello", "notes.rtf2", ".rtf2 files cannot be uploaded. Upload PDF, Word (.docx)"),
        (b"hello", "README", "The file name must end with its type"),
    ],
)
def test_refused_types_get_their_own_message(tmp_path, content, name, start):
    assert problem(tmp_path, content, name).startswith(start)


@pytest.mark.parametrize(
    ("content", "name", "really"),
    [
        (crafted.SVG, "logo.png", "an SVG image"),
        (crafted.HTML, "minutes.txt", "a web page"),
        (crafted.HTML, "minutes.pdf", "a web page"),
        (crafted.png(), "minutes.pdf", None),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(tmp_path, content, name, really):
    message = problem(tmp_path, content, name)
    assert message.startswith("The file's name says it is")
    assert (f"but it is {really}" in message) if really else ("its content is not" in message)


def test_a_text_file_with_binary_content_is_refused(tmp_path):
    assert "contains binary data" in problem(tmp_path, b"abc\x00def", "notes.txt")


def test_a_png_that_is_really_a_jpeg_is_refused(tmp_path):
    assert problem(tmp_path, crafted.jpeg(), "photo.png").startswith("The file's name says it is a PNG image")


def test_a_truncated_png_is_refused(tmp_path):
    assert "damaged" in problem(tmp_path, crafted.png()[:30], "poster.png")


def test_an_office_file_without_its_content_types_part_is_refused(tmp_path):
    assert "damaged or not a real Word document" in problem(
        tmp_path, crafted._zip({"a.xml": "<a/>"}), "x.docx"
    )


def test_an_xlsx_that_is_really_a_word_document_is_refused(tmp_path):
    assert "damaged or not a real Excel spreadsheet" in problem(tmp_path, crafted.docx(), "survey.xlsx")


def test_an_opendocument_file_with_the_wrong_mimetype_is_refused(tmp_path):
    assert "not a real OpenDocument spreadsheet" in problem(tmp_path, crafted.odt(), "sheet.ods")


# ---------------------------------------------------------------------------------------------
# File names


def test_a_path_in_the_file_name_is_dropped():
    assert sanitise_file_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert sanitise_file_name("C:\\Users\\lead\\minutes.pdf") == "minutes.pdf"


def test_control_and_direction_characters_are_removed():
    assert sanitise_file_name("min\x00ut\x07es\n.pdf") == "minutes.pdf"
    # A right-to-left override would show "minutes‮fdp.exe" as "minutesexe.pdf".
    assert sanitise_file_name("minutes\u202efdp.exe") == "minutesfdp.exe"


def test_a_300_character_unicode_name_is_cut_to_255_keeping_its_extension():
    name = "../" + "Protokoll-Ausschuss-für-Öffentlichkeitsbeteiligung-" * 6 + "\x1b[31m" + "é" * 10 + ".pdf"
    assert len(name) > 300
    clean = sanitise_file_name(name)
    assert len(clean) == 255
    assert clean.endswith("Öffentlichkeitsbeteilig.pdf")
    assert clean.startswith("Protokoll-Ausschuss-für")
    assert "/" not in clean and "\x1b" not in clean


def test_a_name_of_nothing_but_dots_becomes_file():
    assert sanitise_file_name("..") == "file"
    assert sanitise_file_name("\x00\x01") == "file"


# ---------------------------------------------------------------------------------------------
# Issue 13, item 24: each zip limit says which limit the file broke; text files' charsets


def test_an_office_file_with_too_many_parts_is_refused_for_its_number_of_parts_not_its_size(tmp_path):
    import io
    import zipfile

    from evidence.validation import MAX_ZIP_ENTRIES

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", crafted._content_types(crafted.DOCX_MAIN))
        for n in range(MAX_ZIP_ENTRIES):
            archive.writestr(f"word/media/{n}.txt", "x")
    message = problem(tmp_path, buffer.getvalue(), "minutes.docx")
    assert "made of 10,001 parts, more than the 10,000 a document may have" in message
    assert "unpack" not in message and "size" not in message


def test_a_zip_bomb_over_the_total_cap_says_how_much_it_would_unpack_to(tmp_path):
    bomb = crafted.write_zip_bomb(tmp_path / "bomb")
    with pytest.raises(FileProblem) as refused:
        validate_file(bomb, "report.docx", max_bytes=LIMIT)
    assert "would unpack to more than 200\xa0MB" in refused.value.message


def test_a_zip_bomb_under_the_total_cap_names_its_compression(tmp_path):
    bomb = crafted.write_zip_bomb(tmp_path / "bomb", megabytes=150)
    with pytest.raises(FileProblem) as refused:
        validate_file(bomb, "report.docx", max_bytes=LIMIT)
    assert "a part squeezed to less than a 100th of its size" in refused.value.message


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (b"Plain notes\n", "notes.txt", "text/plain; charset=utf-8"),
        ("Notes, £20 vouchers\n".encode(), "notes.txt", "text/plain; charset=utf-8"),
        ("\ufeffNotes with a byte-order mark\n".encode(), "notes.txt", "text/plain; charset=utf-8"),
        ("Costs,£20\n".encode("cp1252"), "costs.csv", "text/csv; charset=windows-1252"),
    ],
)
def test_text_files_are_typed_with_the_charset_they_were_found_in(tmp_path, content, name, content_type):
    assert check(tmp_path, content, name) == content_type


# ---------------------------------------------------------------------------------------------
# Issue 13, item 22: PDFs that act when they are opened, or carry other files


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: crafted.pdf_with_open_action("/JavaScript"), id="open-action-javascript"),
        pytest.param(lambda: crafted.pdf_with_open_action("/Launch"), id="open-action-launch"),
        pytest.param(crafted.pdf_with_additional_action, id="catalogue-aa-launch-behind-next"),
        pytest.param(lambda: crafted.pdf_with_additional_action(on_page=True), id="page-aa-launch"),
        pytest.param(crafted.pdf_with_document_javascript, id="names-javascript"),
    ],
)
def test_a_pdf_that_runs_something_when_opened_is_refused(tmp_path, make):
    message = problem(tmp_path, make(), "minutes.pdf")
    assert message.startswith("This PDF is set to run JavaScript or start another program when it is opened")
    assert "Print it to a new PDF" in message


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(crafted.pdf_with_embedded_file, id="names-embedded-files"),
        pytest.param(crafted.pdf_with_file_attachment_annotation, id="file-attachment-annotation"),
    ],
)
def test_a_pdf_with_files_attached_inside_it_is_refused(tmp_path, make):
    message = problem(tmp_path, make(), "minutes.pdf")
    assert message.startswith("This PDF has other files attached inside it")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(crafted.pdf_opening_at_a_page, id="open-at-a-page"),
        pytest.param(crafted.pdf_with_a_link, id="web-link"),
    ],
)
def test_a_pdf_that_only_opens_at_a_page_or_has_links_is_accepted(tmp_path, make):
    assert check(tmp_path, make(), "minutes.pdf") == "application/pdf"
