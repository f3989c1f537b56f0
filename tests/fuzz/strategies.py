"""Hypothesis strategies for a form's fields: plausible values, junk, and organisation B's ids.

A form's data is drawn in one of three ways, so that both sides of every check get exercised:
the form's valid data with one field swapped for something else (the most telling: one bad
value among good ones), every field drawn independently, or the valid data as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from tests.fuzz.forms import Field

# Values a form should refuse, or take without harm.
CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
junk_text = st.one_of(
    st.just(""),
    st.just(" "),
    st.just("\x00"),
    st.just("Minutes\x00of the board"),
    st.text(alphabet=CONTROL, min_size=1, max_size=10),
    st.text(max_size=40),  # any unicode, surrogates excluded (they cannot be sent as UTF-8)
    st.just("🙂" * 300),
    st.just("x" * 20_000),
    st.just("<script>alert(1)</script>"),
    st.just("' OR 1=1 --"),
    st.just('=HYPERLINK("http://example.com")'),
    st.just("../../etc/passwd"),
)
junk_number = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["-1", "0", "1e9", "NaN", "inf", "1.5", "0x10", "99999999999999999999999"]),
)
junk = st.one_of(junk_text, junk_number)


@dataclass(frozen=True)
class UploadSpec:
    """A file to send: materialised afresh for each post (an upload is read once)."""

    name: str
    content: bytes


junk_file = st.builds(
    UploadSpec,
    # Names Django's test client can send. The ones it refuses to build ("", ".", "..") are sent
    # as raw multipart by tests/evidence/test_uploads.py.
    name=st.sampled_from(["minutes.pdf", "x.exe", "notes.txt", "report.docx", "a\x00b.pdf", " ", "r.yaml"]),
    content=st.one_of(st.binary(max_size=200), st.just(b"%PDF-1.4\n"), st.just(b"\x00" * 64)),
)

OMIT = object()


def field_values(field: Field | None, valid: object, other_ids: list[str]) -> st.SearchStrategy:
    """Anything one field might be sent as."""
    choices: list[st.SearchStrategy] = [junk, st.just(OMIT)]
    if valid is not OMIT:
        choices.append(st.just(valid))
    if field is not None and field.options:
        choices.append(st.sampled_from(field.options))
        choices.append(st.lists(st.sampled_from(field.options), max_size=3))
    if field is not None and field.value:
        choices.append(st.just(field.value))
    if other_ids:
        choices.append(st.sampled_from(other_ids))
    if isinstance(valid, UploadSpec) or (field is not None and field.kind == "file"):
        choices.append(junk_file)
    return st.one_of(choices)


def form_data(
    fields: dict[str, Field], valid: dict[str, object], other_ids: list[str]
) -> st.SearchStrategy[dict[str, object]]:
    names = sorted(set(fields) | set(valid))
    per_field = {name: field_values(fields.get(name), valid.get(name, OMIT), other_ids) for name in names}
    valid = {name: value for name, value in valid.items()}

    def one_swapped(draw_name: str, value: object) -> dict[str, object]:
        return {**valid, draw_name: value}

    swaps = (
        [st.sampled_from(names).flatmap(lambda n: per_field[n].map(lambda v, n=n: one_swapped(n, v)))]
        if names
        else []
    )
    every_field = st.fixed_dictionaries(per_field)
    return st.one_of(*swaps, every_field, st.just(valid)).map(
        lambda data: {k: v for k, v in data.items() if v is not OMIT}
    )
