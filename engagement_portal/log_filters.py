"""Filters for the portal's logging (settings.LOGGING)."""

from __future__ import annotations

import logging


class RefusalsInOneLine(logging.Filter):
    """A 4xx response is the portal working as designed: another organisation's data is a 404,
    a person who may see but not change gets a 403. Django logs the 403's exception with its
    traceback, which buries the log in stack traces nobody needs. Keep one line, with the
    exception's own message (the reason) at its end; server errors (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            reason = str(record.exc_info[1] or "").strip()
            message = record.getMessage()
            record.msg = f"{message} ({reason})" if reason else message
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
