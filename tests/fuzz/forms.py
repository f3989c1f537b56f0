"""The fields of a page's form, read from its HTML as a browser would.

Fuzzing starts from what the form itself offers: its inputs, the options of its selects,
radios and checkboxes, and the values it arrives with (hidden version numbers, say). Only forms
that post back to the page's own address are read; the header's sign-out form is not one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit


@dataclass
class Field:
    name: str
    kind: str  # "text", "textarea", "select", "radio", "checkbox", "file", "hidden", "number"...
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def _add(self, name: str, kind: str, value: str = "", option: str | None = None) -> Field:
        assert self._form is not None
        existing = self._form.fields.get(name)
        if existing is None:
            existing = self._form.fields[name] = Field(name, kind, value)
        elif kind == "checkbox":
            existing.multiple = True
        if option is not None and option not in existing.options:
            existing.options.append(option)
        return existing

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or (not a.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            if kind in {"radio", "checkbox"}:
                f = self._add(a["name"], kind, option=a.get("value", "on"))
                if "checked" in a:
                    f.value = a.get("value", "on")
            else:
                self._add(a["name"], kind, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = self._add(a["name"], "textarea")
        elif tag == "select":
            self._select = self._add(a["name"], "select")
            self._select.multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            if value is not None and value not in self._select.options:
                self._select.options.append(value)
            if "selected" in a:
                self._select.value = value or ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str, path: str) -> list[Form]:
    """The page's forms that post to `path` (or to the page itself)."""
    parser = _Parser()
    parser.feed(html)
    return [
        form
        for form in parser.forms
        if form.method == "post" and (not form.action or urlsplit(form.action).path == path)
    ]
