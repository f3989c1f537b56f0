"""The self-assessment pages: overview, criterion pages, citing evidence, check your answers,
submitting, returned assessments, history and submissions, as the people using them see them."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, CriterionResponse, Submission
from evidence.models import Citation, EvidenceItem
from principles import services as rubric_services
from principles.models import Criterion
from tests.assessments.helpers import (
    answer_all,
    cite,
    cite_everywhere,
    earlier_cycle,
    evidence_file,
    open_cycle,
    response,
    start,
    start_in_past_cycle,
    submit,
    submitted,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's main content as a person reads it: tags removed, spaces collapsed."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main))).strip()


def url(name: str, assessment: Assessment, **extra) -> str:
    return reverse(
        name, kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}
    )


def answer(client, assessment, code: str, **data):
    version = response(assessment, code).version
    return client.post(
        url("assessment_criterion", assessment, criterion=code),
        {"version": str(version), "action": "continue", **data},
    )


# Starting


def test_a_lead_starts_the_assessment_from_the_organisations_assessments_page(client, cast):
    cycle = open_cycle()
    client.force_login(cast.lead_a)
    organisation_page = client.get(reverse("organisation_detail", kwargs={"code": cast.org_a.code}))
    assert reverse("assessment_list", kwargs={"code": cast.org_a.code}) in organisation_page.content.decode()
    listing = client.get(reverse("assessment_list", kwargs={"code": cast.org_a.code}))
    assert "The 2026/27 cycle is open" in text_of(listing)
    start_url = reverse("assessment_start", kwargs={"code": cast.org_a.code, "cycle": cycle.slug})
    assert start_url in listing.content.decode()
    assert "rubric version 2026" in text_of(client.get(start_url))

    started = client.post(start_url)
    assessment = Assessment.objects.get()
    assert started["Location"] == url("assessment_overview", assessment)
    assert assessment.rubric_version.label == "2026"
    assert client.post(start_url)["Location"] == url("assessment_overview", assessment)
    assert Assessment.objects.count() == 1


def test_a_contributor_is_told_the_lead_starts_it(client, cast):
    open_cycle()
    client.force_login(cast.contributor_a)
    listing = client.get(reverse("assessment_list", kwargs={"code": cast.org_a.code}))
    # Who, and how to reach them (issue 14: never a dead end).
    assert f"Only its lead can start it: {cast.lead_a.get_full_name()}, {cast.lead_a.email}" in text_of(
        listing
    )


def test_the_navigation_has_assessments_for_members(client, cast):
    client.force_login(cast.viewer_a)
    home = client.get(reverse("home"))
    assert reverse("assessment_list", kwargs={"code": cast.org_a.code}) in home.content.decode()
    client.force_login(cast.assessor)
    assert "/assessments/" not in client.get(reverse("home")).content.decode()


# The overview


def test_the_overview_shows_each_principles_status_and_the_self_assessed_scores(client, cast):
    assessment = start(cast)
    client.force_login(cast.contributor_a)
    for code in ("1.1", "1.2", "1.3", "1.4"):
        answer(client, assessment, code, score="3", narrative="Good.")
    answer(client, assessment, "2.1", score="2")
    cite(assessment, "1.1", evidence_file(cast.org_a, cast.lead_a, category="PR"), cast.lead_a)
    cite(
        assessment, "1.2", evidence_file(cast.org_a, cast.lead_a, category="PE", title="Survey"), cast.lead_a
    )

    page = text_of(client.get(url("assessment_overview", assessment)))
    assert "5 of 33 criteria answered. 1 of 8 principles completed." in page
    assert "1. Strong leadership 4 of 4 criteria answered. 2 pieces of evidence cited. Completed" in page
    assert "2. Clear purpose 1 of 4 criteria answered. 0 pieces of evidence cited. In progress" in page
    assert (
        "3. Engagement shapes planning and decisions 0 of 5 criteria answered. "
        "0 pieces of evidence cited. Not started" in page
    )
    # Principle 1: 12/16 = 75% -> 3. Principle 2: one criterion scored, so short of 3 of 4:
    # not enough evidence to score, and it does not count towards the rating.
    assert "1. Strong leadership 3 of 4" in page
    assert (
        "2. Clear purpose Only 1 of 4 criteria is scored; at least 3 are needed. "
        "Evidence comes from 0 evidence categories" not in page
    )
    assert (
        "2. Clear purpose Only 1 of 4 criteria is scored; at least 3 are needed. "
        "No evidence category is recorded; at least 2 are needed. Not enough evidence to score" in page
    )
    # Overall: principle 1 alone, 3 of 4 = 75% -> Good, indicative (principle 2's 2 of 4 would
    # have made it (3 + 2) / 8 = 62.5%, Requires improvement).
    assert "Overall rating Good (75.0%), indicative" in page
    assert "Indicative: principle 2 has no score (not enough evidence)" not in page  # 7 lack one
    assert "Indicative: principles 2, 3, 4, 5, 6, 7 and 8 have no score (not enough evidence)" in page


def test_the_overview_shows_the_earlier_cycles_scores_and_notes_reworded_criteria(client, cast):
    earlier = start_in_past_cycle(cast, earlier_cycle())
    answer_all(earlier, 2)
    # The earlier cycle's scores follow the same sufficiency rule, evidence categories included.
    cite_everywhere(earlier, cast.lead_a)
    submit(earlier, cast.lead_a)
    # A new rubric version rewords criterion 1.1 before this cycle's assessment starts.
    draft = rubric_services.rubric_new_draft(
        source=rubric_services.current_version(), label="2027", by=cast.rubric_admin
    )
    rubric_services.rubric_update_criterion(
        criterion=Criterion.objects.get(principle__version=draft, code="1.1"),
        by=cast.rubric_admin,
        levels={},
        text="Named senior ownership of engagement across all partners",
    )
    rubric_services.rubric_publish(version=draft, by=cast.rubric_admin)
    assessment = start(cast)
    answer_all(assessment, 3)
    cite_everywhere(assessment, cast.lead_a)
    client.force_login(cast.lead_a)

    overview = text_of(client.get(url("assessment_overview", assessment)))
    assert "Principle 2026/27 2025/26" in overview
    assert "1. Strong leadership 3 of 4 2 of 4" in overview
    assert "Overall rating Good (75.0%) Requires improvement (50.0%)" in overview
    assert "answered against rubric version 2026" in overview
    assert "Principle 1: the wording of criterion 1.1 changed since 2025/26" in overview

    criterion = text_of(client.get(url("assessment_criterion", assessment, criterion="1.1")))
    assert "In 2025/26, your organisation answered this criterion 2 – Some shortfalls" in criterion
    assert "The wording of this criterion or its levels has changed since then" in criterion
    unchanged = text_of(client.get(url("assessment_criterion", assessment, criterion="1.2")))
    assert "answered this criterion 2 – Some shortfalls" in unchanged
    assert "has changed" not in unchanged


# The criterion page


def test_the_criterion_page_offers_the_four_levels_not_evidenced_and_a_character_count(client, cast):
    assessment = start(cast)
    client.force_login(cast.lead_a)
    page = client.get(url("assessment_criterion", assessment, criterion="1.1"))
    html = page.content.decode()
    text = text_of(page)
    assert "Principle 1: Strong leadership 1.1 Named senior ownership" in text
    assert "3 – Good standard Board-level or executive leads are named" in text
    assert "4 – Exceptional standard Leadership for engagement is shared across partners" in text
    assert re.search(r'class="govuk-radios__divider">\s*or\s*<', html)
    assert "Not evidenced There is not enough evidence to score this criterion" in text
    assert 'data-module="govuk-character-count"' in html and 'data-maxlength="10000"' in html
    assert (
        "Suggested evidence" in text and "strategy document; board and committee terms of reference" in text
    )
    assert "Save and continue" in text and "Save and return to overview" in text


def test_save_and_continue_goes_to_the_next_criterion_and_return_goes_to_the_overview(client, cast):
    assessment = start(cast)
    client.force_login(cast.contributor_a)
    saved = answer(client, assessment, "1.4", score="not_evidenced", narrative="We have no evidence yet.")
    assert saved["Location"] == url("assessment_criterion", assessment, criterion="2.1")
    saved = answer(client, assessment, "2.1", score="4", narrative="Scoped.", action="return")
    assert saved["Location"] == url("assessment_overview", assessment)
    saved = answer(client, assessment, "8.4", score="2", narrative="", return_to="check")
    assert saved["Location"] == url("assessment_check", assessment)
    assert (response(assessment, "1.4").score, response(assessment, "1.4").not_evidenced) == (None, True)
    assert (response(assessment, "2.1").score, response(assessment, "2.1").narrative) == (4, "Scoped.")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score": "5"}, "Select a level from 1 to 4, or not evidenced"),
        ({"score": "0"}, "Select a level from 1 to 4, or not evidenced"),
        ({"score": "3", "narrative": "x" * 10_001}, "must be 10,000 characters or fewer"),
    ],
)
def test_bad_answers_are_refused_and_what_was_typed_is_kept(client, cast, data, message):
    assessment = start(cast)
    client.force_login(cast.lead_a)
    data = {"narrative": "Our board minutes show named leads.", **data}
    page = answer(client, assessment, "1.1", **data)
    assert page.status_code == 200
    assert page.content.decode().startswith("<!DOCTYPE html>")
    text = text_of(page)
    assert "There is a problem" in text and message in text
    assert data["narrative"][:200] in page.content.decode()
    assert "<title>Error: " in page.content.decode()
    saved = response(assessment, "1.1")
    assert (saved.score, saved.narrative, saved.version) == (None, "", 0)


def test_a_stale_save_shows_both_answers_and_keeps_what_was_typed(client, cast):
    assessment = start(cast)
    client.force_login(cast.lead_a)
    answer(client, assessment, "1.1", score="2", narrative="The lead's version.")
    client.force_login(cast.contributor_a)
    stale = client.post(
        url("assessment_criterion", assessment, criterion="1.1"),
        {"score": "4", "narrative": "The contributor's version.", "version": "0", "action": "continue"},
    )
    assert stale.status_code == 409
    text = text_of(stale)
    assert "Your answer was not saved" in text
    assert "Their answer, saved" in text and cast.lead_a.get_full_name() in text
    assert "Level 2 – Some shortfalls Evidence and reasoning The lead's version." in text
    assert (
        "Your answer, not saved yet Level 4 – Exceptional standard "
        "Evidence and reasoning The contributor's version." in text
    )
    html = stale.content.decode()
    # The form keeps the contributor's words and choice, and now carries the saved version.
    assert re.search(r"<textarea[^>]*>\s*The contributor&#x27;s version.</textarea>", html)
    assert re.search(r'value="4"\s+checked', html)
    assert re.search(r'name="version" value="1"', html)
    saved = response(assessment, "1.1")
    assert (saved.score, saved.narrative) == (2, "The lead's version.")

    merged = client.post(
        url("assessment_criterion", assessment, criterion="1.1"),
        {"score": "3", "narrative": "Both versions, merged.", "version": "1", "action": "return"},
    )
    assert merged.status_code == 302
    saved = response(assessment, "1.1")
    assert (saved.score, saved.narrative, saved.version) == (3, "Both versions, merged.", 2)


# Citing evidence


def test_citing_evidence_from_the_criterion_page(client, cast):
    assessment = start(cast)
    minutes = evidence_file(cast.org_a, cast.lead_a, title="Board minutes, March 2026", name="minutes.txt")
    evidence_file(
        cast.org_a, cast.lead_a, title="Engagement strategy 2025", category="PE", name="strategy.txt"
    )
    client.force_login(cast.contributor_a)

    # "Save and cite evidence" keeps the words typed so far, then opens the library.
    saved = answer(client, assessment, "1.1", score="3", narrative="Named leads.", action="cite")
    add_url = url("citation_add", assessment, criterion="1.1")
    assert saved["Location"] == add_url
    assert response(assessment, "1.1").narrative == "Named leads."

    library = text_of(client.get(add_url))
    assert "Board minutes, March 2026 Processes. minutes.txt, revision 1, uploaded" in library
    assert "Engagement strategy 2025" in library
    searched = text_of(client.get(add_url, {"q": "strategy"}))
    assert "Engagement strategy 2025" in searched and "Board minutes" not in searched

    cited = client.post(
        add_url, {"file": minutes.pk, "location": "Item 6, page 4", "note": "Names the leads."}
    )
    assert cited["Location"] == url("assessment_criterion", assessment, criterion="1.1")
    citation = Citation.objects.get()
    assert (citation.file, citation.location, citation.note, citation.created_by) == (
        minutes,
        "Item 6, page 4",
        "Names the leads.",
        cast.contributor_a,
    )
    page = text_of(client.get(url("assessment_criterion", assessment, criterion="1.1")))
    assert "Board minutes, March 2026 File minutes.txt, revision 1, uploaded" in page
    assert "Where in the document Item 6, page 4 What it shows Names the leads." in page


def test_a_citation_points_at_the_latest_clean_revision(client, cast):
    assessment = start(cast)
    first = evidence_file(cast.org_a, cast.lead_a, title="Strategy")
    second = evidence_file(cast.org_a, cast.lead_a, item=first.item, name="strategy-v2.txt")
    evidence_file(cast.org_a, cast.lead_a, item=first.item, name="strategy-v3.txt", scan_status="pending")
    client.force_login(cast.lead_a)
    page = client.get(url("citation_add", assessment, criterion="1.1")).content.decode()
    assert f'value="{second.pk}"' in page and f'value="{first.pk}"' not in page
    assert "strategy-v2.txt, revision 2" in page


@pytest.mark.parametrize("which", ["other organisation", "missing", "empty"])
def test_evidence_from_outside_the_library_is_refused_and_nothing_is_lost(client, cast, which):
    assessment = start(cast)
    file_id = {
        "other organisation": lambda: evidence_file(cast.org_b, cast.lead_b, title="B's minutes").pk,
        "missing": lambda: 987_654,
        "empty": lambda: "",
    }[which]()
    client.force_login(cast.lead_a)
    page = client.post(
        url("citation_add", assessment, criterion="1.1"),
        {"file": file_id, "location": "Page 12", "note": "Shows the strategy was agreed."},
    )
    assert page.status_code == 200
    text = text_of(page)
    assert "There is a problem" in text and "Choose evidence from your organisation's library" in text
    assert "B's minutes" not in text
    html = page.content.decode()
    assert 'value="Page 12"' in html and "Shows the strategy was agreed." in html
    assert not Citation.objects.exists()


def test_removing_a_citation_after_confirming(client, cast):
    assessment = start(cast)
    citation = cite(assessment, "1.1", evidence_file(cast.org_a, cast.lead_a, title="Minutes"), cast.lead_a)
    client.force_login(cast.contributor_a)
    saved = answer(client, assessment, "1.1", score="3", narrative="Kept.", action=f"remove-{citation.pk}")
    remove_url = url("citation_remove", assessment, criterion="1.1", citation_id=citation.pk)
    assert saved["Location"] == remove_url
    assert "Remove this evidence from criterion 1.1?" in text_of(client.get(remove_url))
    assert client.post(remove_url)["Location"] == url("assessment_criterion", assessment, criterion="1.1")
    assert not Citation.objects.exists()
    assert response(assessment, "1.1").narrative == "Kept."


def test_another_answers_citation_is_404_under_this_criterion(client, cast):
    assessment = start(cast)
    citation = cite(assessment, "1.2", evidence_file(cast.org_a, cast.lead_a), cast.lead_a)
    client.force_login(cast.lead_a)
    wrong = url("citation_remove", assessment, criterion="1.1", citation_id=citation.pk)
    assert client.get(wrong).status_code == 404
    assert client.post(wrong).status_code == 404
    assert Citation.objects.exists()


# Check your answers and submit


def test_check_your_answers_lists_unanswered_criteria_and_warnings(client, cast):
    assessment = start(cast)
    answer_all(assessment, 4)
    CriterionResponse.objects.filter(assessment=assessment, criterion__code="5.3").update(score=None)
    cite(assessment, "1.1", evidence_file(cast.org_a, cast.lead_a, category="PR"), cast.lead_a)
    client.force_login(cast.lead_a)
    page = client.get(url("assessment_check", assessment))
    text = text_of(page)
    assert "1 criterion is not answered yet" in text
    assert "Criterion 5.3 : Monitoring who takes part" in text
    assert url("assessment_criterion", assessment, criterion="5.3") + "?from=check" in page.content.decode()
    assert "Criterion 1.2 is scored 4 – Exceptional standard but cites no evidence." in text
    assert "Criterion 1.1 is scored" not in text
    assert "Principle 1's evidence comes from one evidence category only (Processes)." in text
    assert "Principle 2 cites no evidence." in text
    assert "I have read the warnings and want to submit anyway" in text
    assert "I confirm this self-assessment is accurate to the best of my knowledge" in text
    # A summary list per principle, with change links.
    assert (
        "1.1 Named senior ownership and accountability for engagement across partners "
        "4 – Exceptional standard" in text
    )
    assert "Change criterion 1.1" in text


def test_submitting_with_unanswered_criteria_is_refused_and_nothing_changes(client, cast):
    assessment = start(cast)
    answer_all(assessment)
    CriterionResponse.objects.filter(assessment=assessment, criterion__code__in=["3.2", "6.4"]).update(
        score=None
    )
    client.force_login(cast.lead_a)
    page = client.post(url("assessment_submit", assessment), {"declaration": "on", "acknowledge": "on"})
    assert page.status_code == 200
    text = text_of(page)
    assert "Answer every criterion before you submit. Not answered yet: 3.2 and 6.4" in text
    assessment.refresh_from_db()
    assert assessment.status == "draft" and not Submission.objects.exists()


def test_warnings_and_the_declaration_must_be_confirmed(client, cast):
    assessment = start(cast)
    answer_all(assessment, 3)
    client.force_login(cast.lead_a)
    page = client.post(url("assessment_submit", assessment), {})
    text = text_of(page)
    assert "Confirm that you have read the warnings and want to submit anyway" in text
    assert "Confirm that the self-assessment is accurate and that you have authority to submit it" in text
    assert not Submission.objects.exists()


def test_a_lead_submits_and_sees_the_snapshot_hash(client, cast):
    assessment = start(cast)
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    client.force_login(cast.lead_a)
    done = client.post(url("assessment_submit", assessment), {"declaration": "on"})
    submission = Submission.objects.get()
    assert done["Location"] == url("submission_detail", assessment, number=1)
    page = client.get(done["Location"])
    text = text_of(page)
    assert "govuk-panel--confirmation" in page.content.decode()
    # It leads with what happens next (who, roughly when, how the organisation will hear), then
    # the receipt with the fingerprint, and links to the submission instead of repeating it.
    assert text.index("Self-assessment submitted") < text.index("What happens next")
    assert text.index("What happens next") < text.index("Your receipt") < text.index(submission.sha256)
    closes = f"{open_cycle().closes_on:%-d %B %Y}"
    assert "A CQC assessor reviews it against the rubric. CQC starts reviewing the 2026/27 " in text
    assert f"once the cycle closes on {closes}" in text
    assert "You will hear in this portal, not by email" in text
    assert "SHA-256 fingerprint " + submission.sha256 in text
    assert "Its SHA-256 fingerprint is" not in text
    assert "Named senior ownership" not in text
    assert f'href="{url("submission_detail", assessment, number=1)}"' in page.content.decode()
    # The panel is shown once; the link shows the submission itself.
    again = text_of(client.get(done["Location"]))
    assert "Self-assessment submitted" not in again and "Submission 1" in again
    assert "Checked just now: the stored snapshot still has this fingerprint." in again
    assert (
        "1.1 Named senior ownership and accountability for engagement across partners 3 – Good standard"
        in again
    )
    assessment.refresh_from_db()
    assert assessment.status == "submitted"


def test_a_contributor_cannot_submit(client, cast):
    assessment = start(cast)
    answer_all(assessment)
    client.force_login(cast.contributor_a)
    check = text_of(client.get(url("assessment_check", assessment)))
    assert "Only your organisation's leads can submit" in check and "Submit to CQC" not in check
    refused = client.post(url("assessment_submit", assessment), {"declaration": "on", "acknowledge": "on"})
    assert refused.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == "draft" and not Submission.objects.exists()


def test_posting_to_a_submitted_assessment_is_refused_and_changes_nothing(client, cast):
    assessment = submitted(cast)
    before = list(
        CriterionResponse.objects.filter(assessment=assessment).values_list("score", "narrative", "version")
    )
    citations = Citation.objects.count()
    client.force_login(cast.lead_a)
    posts = [
        (
            url("assessment_criterion", assessment, criterion="1.1"),
            {"score": "1", "narrative": "After", "version": "1"},
        ),
        (
            url("citation_add", assessment, criterion="1.1"),
            {"file": Citation.objects.first().file_id, "location": "p9", "note": "n"},
        ),
        (
            url(
                "citation_remove",
                assessment,
                criterion="1.1",
                citation_id=Citation.objects.filter(response__criterion__code="1.1").first().pk,
            ),
            {},
        ),
        (url("assessment_submit", assessment), {"declaration": "on", "acknowledge": "on"}),
    ]
    for target, data in posts:
        refused = client.post(target, data)
        assert refused.status_code == 403, target
        assert "This self-assessment cannot be changed" in text_of(refused)
    after = list(
        CriterionResponse.objects.filter(assessment=assessment).values_list("score", "narrative", "version")
    )
    assert after == before and Citation.objects.count() == citations and Submission.objects.count() == 1
    # Reading still works, without a form.
    page = client.get(url("assessment_criterion", assessment, criterion="1.1"))
    assert page.status_code == 200 and "<textarea" not in page.content.decode()
    assert "submitted to CQC, so this answer cannot change" in text_of(page)


def test_a_viewer_reads_but_cannot_change(client, cast):
    assessment = start(cast)
    client.force_login(cast.viewer_a)
    page = client.get(url("assessment_criterion", assessment, criterion="1.1"))
    assert "<textarea" not in page.content.decode()
    assert "As a viewer, you cannot change it." in text_of(page)
    assert answer(client, assessment, "1.1", score="3").status_code == 403
    assert client.get(url("citation_add", assessment, criterion="1.1")).status_code == 403
    assert response(assessment, "1.1").score is None


# Returned assessments, history and submissions


def test_a_returned_assessment_shows_cqcs_questions_and_is_resubmitted_with_a_reply(client, cast):
    assessment = submitted(cast)
    services.assessment_return(
        assessment=assessment, by=cast.assessor, comment="How do partners hold leads to account?"
    )
    client.force_login(cast.lead_a)
    overview = text_of(client.get(url("assessment_overview", assessment)))
    assert "CQC has returned this self-assessment with questions" in overview
    assert "How do partners hold leads to account?" in overview

    # The lead changes an answer and cites more evidence.
    assert answer(client, assessment, "1.1", score="4", narrative="More evidence now.").status_code == 302
    cite(
        assessment,
        "1.1",
        evidence_file(cast.org_a, cast.lead_a, title="Partnership board minutes"),
        cast.lead_a,
    )

    check = text_of(client.get(url("assessment_check", assessment)))
    assert "Your answer to CQC's questions" in check and "Resubmit to CQC" in check
    missing = client.post(url("assessment_submit", assessment), {"declaration": "on", "acknowledge": "on"})
    assert "Answer CQC's questions before you resubmit" in text_of(missing)
    assert Submission.objects.count() == 1

    done = client.post(
        url("assessment_submit", assessment),
        {"declaration": "on", "acknowledge": "on", "reply": "The partnership board reviews them."},
    )
    assert done["Location"] == url("submission_detail", assessment, number=2)
    listing = text_of(client.get(url("submission_list", assessment)))
    assert "Submission 2" in listing and "Submission 1" in listing
    confirmation = text_of(client.get(url("submission_detail", assessment, number=2)))
    assert "Self-assessment resubmitted" in confirmation
    assert "A CQC assessor reads your answers to CQC's questions and what you changed" in confirmation
    second = text_of(client.get(url("submission_detail", assessment, number=2)))
    assert "Answer to CQC's questions The partnership board reviews them." in second
    assert "4 – Exceptional standard More evidence now." in second
    first = text_of(client.get(url("submission_detail", assessment, number=1)))
    assert "More evidence now." not in first

    history = text_of(client.get(url("assessment_history", assessment)))
    assert "Resubmitted to CQC ( submission 2 )" in history
    assert "The partnership board reviews them." in history
    assert "Returned by CQC with questions" in history and "How do partners hold leads to account?" in history
    assert "Submitted to CQC ( submission 1 )" in history and "Started" in history


def test_cqc_staff_never_see_drafts_but_read_submissions(client, cast):
    draft = start(cast)
    client.force_login(cast.assessor)
    for name, extra in [
        ("assessment_overview", {}),
        ("assessment_criterion", {"criterion": "1.1"}),
        ("assessment_check", {}),
        ("assessment_history", {}),
        ("submission_list", {}),
    ]:
        assert client.get(url(name, draft, **extra)).status_code == 404, name
    assert "2026/27" not in text_of(client.get(reverse("assessment_list", kwargs={"code": cast.org_a.code})))

    done = submitted(cast, earlier_cycle())  # another cycle's, submitted
    services.assessment_return(assessment=done, by=cast.assessor, comment="Questions.")
    # Returned: being worked on again, so the working pages are a 404; what was submitted is not.
    assert client.get(url("assessment_overview", done)).status_code == 404
    assert client.get(url("submission_detail", done, number=1)).status_code == 200
    listing = client.get(reverse("assessment_list", kwargs={"code": cast.org_a.code}))
    assert url("submission_list", done) in listing.content.decode()


def test_a_new_rubric_version_leaves_a_submitted_assessment_unchanged(client, cast):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)
    before = text_of(client.get(url("submission_detail", assessment, number=1)))
    criterion_before = text_of(client.get(url("assessment_criterion", assessment, criterion="1.1")))
    draft = rubric_services.rubric_new_draft(
        source=rubric_services.current_version(), label="2027", by=cast.rubric_admin
    )
    rubric_services.rubric_update_criterion(
        criterion=Criterion.objects.get(principle__version=draft, code="1.1"),
        by=cast.rubric_admin,
        levels={},
        text="Reworded",
    )
    rubric_services.rubric_publish(version=draft, by=cast.rubric_admin)
    assert text_of(client.get(url("submission_detail", assessment, number=1))) == before
    assert text_of(client.get(url("assessment_criterion", assessment, criterion="1.1"))) == criterion_before
    assert "Reworded" not in criterion_before


# Speed: a fixed number of queries whatever the size of the assessment


def _big(cast, assessment) -> None:
    """Every criterion answered, 5 citations each, 40 evidence items in the library; the work
    shared out between the lead and a contributor, and half of it marked ready for the lead."""
    answer_all(assessment, 3)
    for n, row in enumerate(CriterionResponse.objects.filter(assessment=assessment).order_by("pk")):
        person = cast.lead_a if n % 2 else cast.contributor_b  # called for organisation B's assessment
        CriterionResponse.objects.filter(pk=row.pk).update(
            assigned_to=person,
            assigned_by=cast.lead_a,
            ready_by=person if n % 3 else None,
            ready_at=timezone.now() if n % 3 else None,
        )
    files = [
        evidence_file(
            cast.org_a, cast.lead_a, title=f"Document {n}", category=EvidenceItem.Category.values[n % 6]
        )
        for n in range(40)
    ]
    Citation.objects.bulk_create(
        Citation(
            response=r,
            file=files[(i + k) % 40],
            location=f"Page {k}",
            note="Shows it.",
            created_by=cast.lead_a,
        )
        for i, r in enumerate(CriterionResponse.objects.filter(assessment=assessment))
        for k in range(5)
    )


def _count_queries(client, target: str) -> int:
    """Queries of a request after a first one, as a worker that has served the page before
    answers it: published rubric wording is kept once read (principles/cache.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(target).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(target).status_code == 200
    return len(queries)


def _publish_copy(cast, label: str, *, extra_criteria: int = 0):
    """A new current rubric version: a copy of the current one, with more criteria if asked."""
    draft = rubric_services.rubric_new_draft(
        source=rubric_services.current_version(), label=label, by=cast.rubric_admin
    )
    for n in range(extra_criteria):
        principle = draft.principles.get(number=1 + n % 8)
        rubric_services.rubric_add_criterion(
            principle=principle,
            by=cast.rubric_admin,
            code=f"{principle.number}.{9 + n}",
            text=f"Extra criterion {n}",
            levels={level: f"Level {level}." for level in (1, 2, 3, 4)},
        )
    assert rubric_services.rubric_publish(version=draft, by=cast.rubric_admin) == []


@pytest.mark.parametrize(
    "page",
    ["assessment_overview", "assessment_criterion", "assessment_check", "citation_add", "assessment_share"],
)
def test_pages_use_the_same_number_of_queries_for_a_small_and_a_large_assessment(client, cast, page):
    """A's assessment is empty, on a copy of the 2026 rubric. B's is on a version with 16 more
    criteria (49), every one answered with 5 citations, and 40 documents in its library. Both
    organisations have an earlier cycle's assessment on the 2026 rubric to compare with."""
    extra = {"criterion": "2.1"} if page in {"assessment_criterion", "citation_add"} else {}
    for organisation, lead in ((cast.org_a, cast.lead_a), (cast.org_b, cast.lead_b)):
        earlier = start_in_past_cycle(cast, earlier_cycle(), organisation=organisation, lead=lead)
        answer_all(earlier, 2)
    _publish_copy(cast, "2026-copy")
    small = start(cast)
    _publish_copy(cast, "2027", extra_criteria=16)
    large = start(cast, organisation=cast.org_b, lead=cast.lead_b)
    assert (small.responses.count(), large.responses.count()) == (33, 49)
    _big(type(cast)(**{**cast.__dict__, "org_a": cast.org_b, "lead_a": cast.lead_b}), large)

    client.force_login(cast.lead_a)
    small_count = _count_queries(client, url(page, small, **extra))
    client.force_login(cast.lead_b)
    large_count = _count_queries(client, url(page, large, **extra))
    assert small_count == large_count
    # 26 since the second factor: every request by a session not verified by a code asks whether
    # the person has an authenticator app (accounts/two_factor.py), so that turning it on
    # holds every other session of theirs at the code page too.
    assert large_count <= 26


def test_a_version_from_the_future_on_an_answer_nobody_has_saved_is_refused_plainly(client, cast):
    """Found by the form fuzzer: a posted version that no save produced, on an answer nobody has
    saved yet (no author, no time), must not crash the conflict page. It is refused as changed,
    with nothing saved and what was typed kept."""
    assessment = start(cast)
    client.force_login(cast.lead_a)
    posted = client.post(
        url("assessment_criterion", assessment, criterion="1.1"),
        {"score": "3", "narrative": "Typed words.", "version": "999", "action": "continue"},
    )
    assert posted.status_code == 409
    text = text_of(posted)
    assert "Your answer was not saved" in text
    assert "Typed words." in text
    assert "None" not in text
    saved = response(assessment, "1.1")
    assert (saved.score, saved.narrative) == (None, "")
