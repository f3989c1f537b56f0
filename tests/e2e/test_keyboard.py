"""Keyboard only (issue 20): Tab, Shift+Tab, Enter, Space, the arrow keys and typing, never the
mouse. After every form, focus is on what just happened (the error summary, or the success
message) even once the skip link has put "#main-content" in the address; Enter in a form never
removes evidence; a saved score's confirmation is where the assessor lands. axe runs on every
page at 1280 and 320 pixels wide (portal)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.models import Assessment
from evidence.models import Citation
from reviews import services
from tests.assessments.helpers import cite, evidence_file, open_cycle, response, start, submitted
from tests.assessments.review_helpers import codes, in_review

pytestmark = pytest.mark.e2e

SKIP_LINK = "Skip to main content"
TAB_LIMIT = 80


def path(name: str, assessment: Assessment, **extra) -> str:
    return reverse(
        name, kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}
    )


def press(portal, key: str) -> dict:
    """A key that stays on the page; returns where focus is then."""
    portal.page.keyboard.press(key)
    return portal.focused()


def tab_to(portal, wanted: Callable[[dict], bool], *, key: str = "Tab") -> dict:
    """Tab (or Shift+Tab) until focus is on the element `wanted` picks. Focus must stay on the
    page at every step: never lost to the body."""
    for _ in range(TAB_LIMIT):
        focused = press(portal, key)
        assert focused["tag"] != "body", f"{key} lost focus on {portal.page.url}"
        if wanted(focused):
            return focused
    raise AssertionError(f"{key} pressed {TAB_LIMIT} times on {portal.page.url} without reaching it")


def by_id(element_id: str) -> Callable[[dict], bool]:
    return lambda focused: focused["id"] == element_id


def by_text(text: str) -> Callable[[dict], bool]:
    return lambda focused: focused["text"] == text


def use_skip_link(portal) -> None:
    """The skip link is the first Tab stop; Enter on it puts #main-content in the address."""
    assert press(portal, "Tab")["text"] == SKIP_LINK, "the skip link is not the first Tab stop"
    portal.page.keyboard.press("Enter")
    assert portal.page.url.endswith("#main-content")


def choose_with_arrows(portal, value: str) -> None:
    """In a group of radios, the down arrow until the one with this value is chosen."""
    for _ in range(8):
        chosen = portal.page.evaluate("() => document.activeElement.checked && document.activeElement.value")
        if chosen == value:
            return
        portal.page.keyboard.press("ArrowDown")
    raise AssertionError(f"no radio with the value {value!r}")


def type_into(portal, element_id: str, text: str) -> None:
    tab_to(portal, by_id(element_id))
    portal.page.keyboard.type(text)


def sign_in(portal, username: str) -> None:
    """The sign-in form by keyboard; for CQC staff, the code page too."""
    portal.goto(reverse("login"))
    type_into(portal, "id_username", username)
    type_into(portal, "id_password", portal.password)
    portal.press("Enter")
    if reverse("sign_in_code") in portal.page.url:
        type_into(portal, "id_code", current_code(username))
        portal.press("Enter")


def current_code(username: str) -> str:
    from accounts.two_factor import authenticator
    from tests.factories import next_code

    return next_code(authenticator(get_user_model().objects.get(username=username)))


def on_error_summary(portal) -> None:
    arrival = portal.arrival
    assert "govuk-error-summary" in arrival["classes"], f"focus was on {arrival} after the error"
    assert arrival["in_view"]
    assert "#" not in portal.page.url


def on_success_message(portal, text: str) -> None:
    arrival = portal.arrival
    assert "govuk-notification-banner--success" in arrival["classes"], f"focus was on {arrival}"
    assert arrival["role"] == "alert"
    assert text in arrival["text"]
    assert arrival["in_view"], "the confirmation is out of sight"


def test_a_wrong_code_after_the_skip_link_focuses_the_error_summary_and_empties_the_field(portal, cast):
    page = portal.page
    portal.goto(reverse("login"))
    type_into(portal, "id_username", "assessor")
    type_into(portal, "id_password", portal.password)
    portal.press("Enter")
    assert reverse("sign_in_code") in page.url

    use_skip_link(portal)
    type_into(portal, "id_code", "000000")
    portal.press("Enter")
    on_error_summary(portal)
    assert "The code is not right" in portal.arrival["text"]
    assert page.locator("#id_code").input_value() == "", "the refused code is still in the field"

    # The error's link takes focus to the field, ready for the next code.
    assert press(portal, "Tab")["text"].startswith("The code is not right")
    page.keyboard.press("Enter")
    assert portal.focused()["id"] == "id_code"
    page.wait_for_timeout(1_100)  # a wrong code makes the next try wait a second
    page.keyboard.type(current_code("assessor"))
    portal.press("Enter")

    # Signed in, at an address without the fragment: Tab starts at the skip link again.
    assert reverse("sign_in_code") not in page.url
    assert "#" not in page.url
    assert portal.arrival["tag"] == "body"
    assert press(portal, "Tab")["text"] == SKIP_LINK


def test_enter_on_a_level_radio_saves_and_continues_and_never_removes_evidence(portal, cast):
    open_cycle()
    assessment = start(cast)
    minutes = evidence_file(cast.org_a, cast.lead_a, title="Partnership board minutes", category="PR")
    survey = evidence_file(cast.org_a, cast.lead_a, title="Residents' panel survey", category="PE")
    cite(assessment, "1.1", minutes, cast.lead_a)
    cite(assessment, "1.1", survey, cast.lead_a)
    page = portal.page

    sign_in(portal, "lead_a")
    portal.goto(path("assessment_criterion", assessment, criterion="1.1"))
    use_skip_link(portal)
    tab_to(portal, lambda focused: focused["tag"] == "input" and focused["id"] == "id_score")
    page.keyboard.press("Space")
    choose_with_arrows(portal, "3")
    type_into(portal, "id_narrative", "The partnership board receives an engagement report every quarter.")
    # Back to the level with Shift+Tab, and Enter there.
    tab_to(portal, lambda focused: "govuk-radios__input" in focused["classes"], key="Shift+Tab")
    portal.press("Enter")

    assert "remove" not in page.url
    assert page.get_by_role("heading", level=1).inner_text().startswith("1.2")
    saved = response(assessment, "1.1")
    assert saved.score == 3
    assert saved.narrative.startswith("The partnership board")
    assert Citation.objects.filter(response=saved).count() == 2
    assert "#" not in page.url
    assert press(portal, "Tab")["text"] == SKIP_LINK

    # Citing: after the skip link, the cite page's error summary takes focus; Enter in the
    # location field cites, and "Evidence cited" has focus back on the criterion.
    tab_to(portal, by_text("Save and cite evidence"))
    portal.press("Enter")
    use_skip_link(portal)
    tab_to(portal, by_text("Cite this evidence"))
    portal.press("Enter")
    on_error_summary(portal)
    tab_to(portal, lambda focused: focused["tag"] == "input" and focused["id"] == "id_file")
    page.keyboard.press("Space")
    type_into(portal, "id_location", "Item 6")
    type_into(portal, "id_note", "The board asks what changed as a result.")
    tab_to(portal, by_id("id_location"), key="Shift+Tab")
    portal.press("Enter")
    on_success_message(portal, "cited")
    assert page.get_by_role("heading", level=1).inner_text().startswith("1.2")


def test_a_saved_score_is_confirmed_where_the_assessor_lands(portal, cast):
    assessment = in_review(submitted(cast), cast.assessor)
    for code in codes(assessment):
        if code != "1.1":
            services.score_save(
                assessment=assessment, criterion_code=code, by=cast.assessor, expected_version=0,
                score=3, not_evidenced=False, rationale="Supported by the minutes.",
            )  # fmt: skip
    page = portal.page

    sign_in(portal, "assessor")
    portal.goto(path("review_criterion", assessment, criterion="1.1"))
    use_skip_link(portal)
    tab_to(portal, lambda focused: focused["tag"] == "input" and focused["id"] == "score")
    page.keyboard.press("Space")
    choose_with_arrows(portal, "3")
    type_into(portal, "rationale", "The minutes show the board asking what changed.")
    tab_to(portal, by_text("Save score"))
    portal.press("Enter")

    on_success_message(portal, "Score for 1.1 saved.")
    assert page.url.endswith("#principle-1-message")
    # Next in the Tab order: the principle's own criteria.
    assert press(portal, "Tab")["text"].startswith("1.1")

    # A principle's score: the same, beside its principle.
    portal.goto(path("review_principle", assessment, number=1))
    tab_to(portal, by_text("Save principle score"))
    portal.press("Enter")
    on_success_message(portal, "Principle 1's score saved.")
    assert page.url.endswith("#principle-1-message")
