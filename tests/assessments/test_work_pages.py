"""Work shared out, on the pages: the lead's "Share out the work" page, "ready for the lead" on
the criterion page, who has what on the overview, and what is not ready on check your answers."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import CriterionResponse
from organisations.models import Membership, Organisation
from organisations.people import name_of
from tests.assessments.helpers import response, start, submitted
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name: str, assessment, **extra) -> str:
    return reverse(
        name, kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}
    )


def text_of(page) -> str:
    html = page.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
    return re.sub(r" ([,.:;])", r"\1", text)


@pytest.fixture
def priya(cast):
    """A Healthwatch person contributing to organisation A's self-assessment."""
    partner = OrganisationFactory(name="Healthwatch Alderley", code="HWA", type=Organisation.Type.PARTNER)
    person = UserFactory(username="priya", first_name="Priya", last_name="Shah")
    Membership.objects.create(
        user=person, organisation=cast.org_a, role=Membership.Role.CONTRIBUTOR, partner=partner
    )
    return person


def _assigned(assessment) -> dict[str, str]:
    return dict(
        CriterionResponse.objects.filter(assessment=assessment)
        .exclude(assigned_to=None)
        .values_list("criterion__code", "assigned_to__username")
    )


# ---------------------------------------------------------------------------------------------
# Sharing out


def test_the_share_page_offers_leads_and_contributors_with_their_partner(client, cast, priya):
    assessment = start(cast)
    client.force_login(cast.lead_a)
    page = text_of(client.get(url("assessment_share", assessment)))
    assert "Share out the work" in page
    assert "Priya Shah, Healthwatch Alderley" in page
    assert name_of(cast.contributor_a) in page and f"{name_of(cast.lead_a)} (you)" in page
    assert name_of(cast.viewer_a) not in page  # viewers change nothing, so get no work
    assert "All 4 criteria of principle 1" in page or "criteria of principle 1" in page
    assert "Not given to anyone" in page


def test_a_lead_gives_a_whole_principle_and_a_criterion_and_the_overview_says_who_has_what(
    client, cast, priya
):
    assessment = start(cast)
    client.force_login(cast.lead_a)
    posted = client.post(
        url("assessment_share", assessment),
        {"person": str(priya.pk), "principles": ["1"], "criteria": ["2.1"]},
    )
    assert posted.status_code == 302
    assert posted["Location"].endswith("#who-is-doing-what")
    principle_1 = set(
        CriterionResponse.objects.filter(assessment=assessment, criterion__principle__number=1).values_list(
            "criterion__code", flat=True
        )
    )
    assert _assigned(assessment) == {code: "priya" for code in principle_1 | {"2.1"}}
    overview = client.get(posted["Location"].split("#")[0], follow=True)
    page = text_of(overview)
    assert "are now with Priya Shah, Healthwatch Alderley" in page
    table = text_of_table(overview, "assignments")
    assert "Priya Shah, Healthwatch Alderley 1.1, not ready, 1.2, not ready" in table
    assert f"0 of {len(principle_1) + 1}" in table
    assert "Not given to anyone" in table
    # The principle's line in the task list names who has it.
    assert (
        "All with Priya Shah, Healthwatch Alderley." in page
        and "2.1 with Priya Shah, Healthwatch Alderley." in page
    )


def text_of_table(page, table_id: str) -> str:
    html = page.content.decode()
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, flags=re.S)
    assert match, f"no table {table_id}"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", match.group(0)))).replace(" ,", ",").strip()


def test_taking_work_back_gives_it_to_nobody(client, cast):
    assessment = start(cast)
    client.force_login(cast.lead_a)
    client.post(
        url("assessment_share", assessment), {"person": str(cast.contributor_a.pk), "criteria": ["1.1"]}
    )
    posted = client.post(url("assessment_share", assessment), {"person": "nobody", "criteria": ["1.1"]})
    assert posted.status_code == 302
    assert _assigned(assessment) == {}
    assert "Criterion 1.1 is no longer given to anyone." in text_of(
        client.get(url("assessment_overview", assessment))
    )


@pytest.mark.parametrize(
    ("data", "message", "anchor"),
    [
        ({"criteria": ["1.1"]}, "Choose who to give the work to", "#id_person"),
        ({"person": "{contributor}"}, "Choose at least one principle or criterion", "#id_criteria"),
        ({"person": "{lead_b}", "criteria": ["1.1"]}, "Choose someone from the list", "#id_person"),
        ({"person": "{viewer}", "criteria": ["1.1"]}, "Choose someone from the list", "#id_person"),
        ({"person": "{contributor}", "criteria": ["9.99"]}, "Choose criteria from the list", "#id_criteria"),
        (
            {"person": "{contributor}", "principles": ["42"]},
            "Choose principles from the list",
            "#id_principles",
        ),
    ],
)
def test_bad_choices_are_refused_with_a_linked_message_and_nothing_lost(client, cast, data, message, anchor):
    assessment = start(cast)
    people = {
        "{contributor}": str(cast.contributor_a.pk),
        "{lead_b}": str(cast.lead_b.pk),
        "{viewer}": str(cast.viewer_a.pk),
    }
    data = {k: people.get(v, v) if isinstance(v, str) else v for k, v in data.items()}
    client.force_login(cast.lead_a)
    page = client.post(url("assessment_share", assessment), data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert f'href="{anchor}"' in html
    assert text_of(page).startswith("Error:") or "<title>Error:" in html
    if data.get("criteria") == ["1.1"]:
        assert re.search(r'value="1\.1" aria-describedby="[^"]+" checked', html)
    if data.get("person") == str(cast.contributor_a.pk):
        assert re.search(rf'value="{cast.contributor_a.pk}" checked', html)
    assert _assigned(assessment) == {}


@pytest.mark.parametrize(("who", "status"), [("contributor_a", 403), ("viewer_a", 403), ("lead_b", 404)])
def test_only_the_lead_shares_out_the_work(client, cast, who, status):
    assessment = start(cast)
    client.force_login(cast.person(who))
    assert client.get(url("assessment_share", assessment)).status_code == status
    posted = client.post(
        url("assessment_share", assessment), {"person": str(cast.contributor_a.pk), "criteria": ["1.1"]}
    )
    assert posted.status_code == status
    assert _assigned(assessment) == {}


def test_a_submitted_assessments_work_cannot_change_hands(client, cast):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)
    assert client.get(url("assessment_share", assessment)).status_code == 403
    posted = client.post(
        url("assessment_share", assessment), {"person": str(cast.contributor_a.pk), "criteria": ["1.1"]}
    )
    assert posted.status_code == 403
    assert "submitted" in text_of(posted)
    assert _assigned(assessment) == {}


# ---------------------------------------------------------------------------------------------
# Ready for the lead


def _answer_page_post(client, assessment, code, *, action, score="3", narrative="Minutes show it."):
    current = response(assessment, code)
    return client.post(
        url("assessment_criterion", assessment, criterion=code),
        {"score": score, "narrative": narrative, "version": str(current.version), "action": action},
    )


def test_a_contributor_saves_and_marks_ready_in_one_go_and_takes_it_back(client, cast, priya):
    assessment = start(cast)
    services.criteria_assign(
        assessment=assessment,
        by=cast.lead_a,
        criterion_ids=[response(assessment, "1.1").criterion_id],
        assignee=priya,
    )
    client.force_login(priya)
    overview = text_of(client.get(url("assessment_overview", assessment)))
    assert "Your lead has given you 1 criterion; 1 is not marked ready for the lead yet" in overview

    posted = _answer_page_post(client, assessment, "1.1", action="ready")
    assert posted.status_code == 302
    assert posted["Location"] == url("assessment_criterion", assessment, criterion="1.1")
    marked = response(assessment, "1.1")
    assert marked.score == 3 and marked.is_ready and marked.ready_by == priya
    page = text_of(client.get(posted["Location"]))
    assert "Criterion 1.1 is marked ready for the lead." in page
    assert "Ready Marked" in page and "by Priya Shah, Healthwatch Alderley" in page
    assert "Given to Priya Shah, Healthwatch Alderley (you)" in page

    # The lead sees it on the overview.
    client.force_login(cast.lead_a)
    overview = client.get(url("assessment_overview", assessment))
    assert "1 of 1" in text_of_table(overview, "assignments")
    assert "1 of 33 criteria marked ready for the lead" in text_of(overview)

    # Taken back.
    client.force_login(priya)
    taken = client.post(url("criterion_ready", assessment, criterion="1.1"), {"ready": "no"})
    assert taken.status_code == 302
    assert not response(assessment, "1.1").is_ready
    assert "Criterion 1.1 is no longer marked ready for the lead." in text_of(client.get(taken["Location"]))


def test_changing_a_ready_answer_takes_the_mark_off(client, cast):
    assessment = start(cast)
    client.force_login(cast.contributor_a)
    _answer_page_post(client, assessment, "1.1", action="ready")
    assert response(assessment, "1.1").is_ready
    _answer_page_post(client, assessment, "1.1", action="return", narrative="Minutes and the survey show it.")
    assert not response(assessment, "1.1").is_ready


def test_an_unanswered_criterion_cannot_be_marked_ready(client, cast):
    assessment = start(cast)
    client.force_login(cast.contributor_a)
    page = _answer_page_post(client, assessment, "1.1", action="ready", score="", narrative="Draft thoughts")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Answer criterion 1.1 before you mark it ready for the lead" in html
    assert "govuk-error-summary" in html
    # What was typed was saved, and is still on the page.
    assert response(assessment, "1.1").narrative == "Draft thoughts"
    assert "Draft thoughts" in html
    assert not response(assessment, "1.1").is_ready


def test_the_ready_button_refuses_anything_but_yes_or_no(client, cast):
    assessment = start(cast)
    client.force_login(cast.lead_a)
    assert (
        client.post(url("criterion_ready", assessment, criterion="1.1"), {"ready": "maybe"}).status_code
        == 400
    )
    assert (
        client.post(url("criterion_ready", assessment, criterion="9.9"), {"ready": "no"}).status_code == 404
    )


@pytest.mark.parametrize(("who", "status"), [("viewer_a", 403), ("lead_b", 404), ("assessor", 404)])
def test_only_the_organisations_editors_mark_ready(client, cast, who, status):
    assessment = start(cast)
    CriterionResponse.objects.filter(assessment=assessment, criterion__code="1.1").update(
        score=3, narrative="x"
    )
    client.force_login(cast.person(who))
    assert (
        client.post(url("criterion_ready", assessment, criterion="1.1"), {"ready": "yes"}).status_code
        == status
    )
    assert not response(assessment, "1.1").is_ready


def test_a_submitted_assessment_cannot_be_marked_ready(client, cast):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)
    assert (
        client.post(url("criterion_ready", assessment, criterion="1.1"), {"ready": "yes"}).status_code == 403
    )
    assert not response(assessment, "1.1").is_ready


# ---------------------------------------------------------------------------------------------
# Check your answers


def test_check_your_answers_lists_what_is_not_ready_without_blocking(client, cast, priya):
    assessment = start(cast)
    ids = list(
        CriterionResponse.objects.filter(
            assessment=assessment, criterion__code__in=["1.1", "1.2"]
        ).values_list("criterion_id", flat=True)
    )
    services.criteria_assign(assessment=assessment, by=cast.lead_a, criterion_ids=ids, assignee=priya)
    client.force_login(priya)
    _answer_page_post(client, assessment, "1.1", action="ready")
    _answer_page_post(client, assessment, "1.2", action="return")
    client.force_login(cast.lead_a)
    _answer_page_post(client, assessment, "2.1", action="return")

    page = client.get(url("assessment_check", assessment))
    text = text_of(page)
    # Answered but not ready: 1.2 (Priya's) and 2.1 (nobody's); 1.1 is ready.
    assert "2 answered criteria are not marked ready for the lead" in text
    assert "Criterion 1.2: with Priya Shah, Healthwatch Alderley" in text
    assert "Criterion 2.1: not given to anyone" in text
    assert "Criterion 1.1: with" not in text
    assert "You can still submit" in text and "Criteria not answered yet are listed above." in text
    # Unanswered criteria say who has them too.
    assert "30 criteria are not answered yet" in text
    # Each answer says who has it and who last changed it, partner included.
    assert (
        "Given to Priya Shah, Healthwatch Alderley. Marked ready for the lead by Priya Shah, Healthwatch "
        "Alderley. Last changed by Priya Shah, Healthwatch Alderley." in text
    )


def test_check_your_answers_says_nothing_of_readiness_when_the_work_is_not_shared_out(client, cast):
    assessment = start(cast)
    client.force_login(cast.lead_a)
    assert "not marked ready" not in text_of(client.get(url("assessment_check", assessment)))
    overview = text_of(client.get(url("assessment_overview", assessment)))
    assert "You have not given any criteria to anyone. Share out the work" in overview
    client.force_login(cast.contributor_a)
    overview = text_of(client.get(url("assessment_overview", assessment)))
    assert "Nobody has been given criteria yet" in overview
    assert "Share out the work" not in overview.replace("the lead shares out the work", "")
