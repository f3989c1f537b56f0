"""manage.py export_rubric and import_rubric: files out and back in, exactly."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from principles import services
from principles.models import RubricVersion

pytestmark = pytest.mark.django_db

RUBRIC_FILE = Path(__file__).resolve().parents[2] / "principles" / "rubric" / "2026.yaml"


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_rubric", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_export_writes_the_current_version_to_standard_output():
    assert export() == RUBRIC_FILE.read_text(encoding="utf-8")


def test_export_of_an_unknown_version_fails():
    with pytest.raises(CommandError, match="There is no rubric version called 1999"):
        export("--version", "1999")


def test_export_and_import_round_trip_exactly(tmp_path):
    original = tmp_path / "2026.yaml"
    export("--version", "2026", "--output", str(original))
    assert original.read_bytes() == RUBRIC_FILE.read_bytes()

    out = StringIO()
    call_command("import_rubric", str(original), "--label", "X", stdout=out)
    assert "as draft X: 8 principles, 33 criteria" in out.getvalue()
    assert RubricVersion.objects.get(label="X").is_draft
    copied = tmp_path / "x.yaml"
    export("--version", "X", "--output", str(copied))
    assert copied.read_bytes() == original.read_bytes().replace(b"label: '2026'\n", b"label: X\n")

    # An exported draft comes back byte for byte: delete it, import its file, export again.
    services.rubric_delete_draft(version=RubricVersion.objects.get(label="X"), by=None)
    call_command("import_rubric", str(copied), stdout=StringIO())
    assert export("--version", "X").encode("utf-8") == copied.read_bytes()


def test_import_of_a_malformed_file_prints_every_problem_and_imports_nothing(tmp_path):
    broken = tmp_path / "broken.yaml"
    text = RUBRIC_FILE.read_text(encoding="utf-8").replace("title: Strong leadership", "title: ''", 1)
    broken.write_text(text.replace("format: engagement-rubric/1", "format: other/2", 1), encoding="utf-8")
    count = RubricVersion.objects.count()
    err = StringIO()
    with pytest.raises(CommandError, match=r"has 2 problems\. Nothing was imported\."):
        call_command("import_rubric", str(broken), "--label", "Y", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "line 1, format: must be 'engagement-rubric/1'",
        "line 44, principles[0].title: must not be empty",
    ]
    assert RubricVersion.objects.count() == count


def test_import_under_a_label_in_use_is_refused():
    with pytest.raises(CommandError, match="A version called 2026 already exists"):
        call_command("import_rubric", str(RUBRIC_FILE), stdout=StringIO())
