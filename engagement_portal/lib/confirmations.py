"""A confirmation shown beside what it confirms, on a long page.

After a form, a view usually redirects with a success message, which base.html shows at the top
of the next page, where GOV.UK Frontend focuses it. When the person should land further down
(the principle they scored, the question they answered), a message at the top would be out of
sight and its focus lost to the address's fragment. `confirmed_at` places the message there
instead: the page's view names its places in `message_places`, its template includes
components/messages_at.html at each, and the address ends in the banner's own id, which is
focusable, so the browser scrolls to it and focuses it, with or without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect


def confirmed_at(request: HttpRequest, url: str, place: str, message: str) -> HttpResponseRedirect:
    """Redirect to `url`, with `message` shown (and focused) beside `place` on that page."""
    messages.success(request, message, extra_tags=place)
    return redirect(f"{url}#{place}-message")
