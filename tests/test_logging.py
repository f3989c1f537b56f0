"""Issue 13, item 20: an expected refusal (a 403, a 404) is one line in the log, not tracebacks."""

from __future__ import annotations

import io
import logging

import pytest
from django.urls import reverse
from django.utils.log import configure_logging


@pytest.fixture
def log(settings):
    """The portal's logging as `make run` sets it up (debug on), printing into a string."""
    settings.DEBUG = True
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    stream = io.StringIO()
    names = ["", *(name for name in logging.root.manager.loggerDict if name.startswith("django"))]
    for name in names:
        for handler in logging.getLogger(name).handlers:
            if type(handler) is logging.StreamHandler:
                handler.setStream(stream)
    yield stream
    settings.DEBUG = False
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def lines_about(output: str, path: str) -> list[str]:
    return [line for line in output.splitlines() if path in line]


def test_a_403_is_one_line_with_its_reason(client, cast, log):
    client.force_login(cast.lead_a)
    path = reverse("review_queue")
    assert client.get(path).status_code == 403
    output = log.getvalue()
    assert "Traceback" not in output
    assert len(lines_about(output, path)) == 1, output
    assert "Forbidden" in lines_about(output, path)[0]


def test_a_404_is_one_line(client, cast, log):
    client.force_login(cast.lead_a)
    path = reverse("organisation_detail", kwargs={"code": cast.org_b.code})
    assert client.get(path).status_code == 404
    output = log.getvalue()
    assert "Traceback" not in output
    assert lines_about(output, path) == [f"Not Found: {path}"]


def test_a_server_error_keeps_its_traceback(log):
    try:
        raise ValueError("broken")
    except ValueError:
        logging.getLogger("django.request").error(
            "Internal Server Error: /x", exc_info=True, extra={"status_code": 500}
        )
    assert "Traceback" in log.getvalue()
    assert "ValueError: broken" in log.getvalue()
