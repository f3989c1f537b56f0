"""What the GOV.UK pagination component (`templates/components/pagination.html`) needs.

The same links as the evidence library's: first, last, and the current page with its
neighbours, with ellipses between; each keeps the page's other query parameters (its filters).
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict


def with_page(query: QueryDict, number: int) -> str:
    params = query.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()


def pagination(page: Page, query: QueryDict) -> dict:
    """`page_links`, `previous_url` and `next_url` for the component; `query` is the request's
    GET parameters (any `page` among them is replaced)."""
    query = query.copy()
    query.pop("page", None)
    links: list[dict] = []
    if page.paginator.num_pages > 1:
        last = page.paginator.num_pages
        wanted = sorted({1, last, page.number - 1, page.number, page.number + 1} & set(range(1, last + 1)))
        previous = 0
        for number in wanted:
            if number - previous > 1:
                links.append({"ellipsis": True})
            links.append(
                {"number": number, "url": with_page(query, number), "current": number == page.number}
            )
            previous = number
    return {
        "page_links": links,
        "previous_url": with_page(query, page.previous_page_number()) if page.has_previous() else "",
        "next_url": with_page(query, page.next_page_number()) if page.has_next() else "",
    }


def paginate(request: HttpRequest, items, per_page: int) -> dict:
    """The page the request asks for (`?page=`: the last for a number too high, the first for
    nonsense), read, with what the component needs: `page`, `page_links`, `previous_url` and
    `next_url`."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return {"page": page, **pagination(page, request.GET)}
