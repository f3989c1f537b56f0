"""Rubric admins edit the survey questions of a rubric draft (issue 16, item 1): a new draft
copies the published version's question sets, questions are added, changed and removed in the
draft, the compare page's redline shows it, and a published set never changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from principles import services as rubric_services
from principles.models import FrozenRubricError, RubricChange
from voices import services
from voices.models import Question, QuestionSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cast):
    return rubric_services.rubric_new_draft(
        source=rubric_services.current_version(), label="2027", by=cast.rubric_admin
    )


FIELDS = (
    "question_set__audience",
    "code",
    "position",
    "text",
    "hint",
    "kind",
    "options",
    "criteria",
    "category",
)


def _questions(version) -> list[tuple]:
    return list(
        Question.objects.filter(question_set__version=version)
        .order_by("question_set__audience", "position", "code")
        .values_list(*FIELDS)
    )


def form(**changes) -> dict:
    data = {
        "code": "PE14",
        "text": "I would take part again.",
        "hint": "",
        "kind": "agreement",
        "options": "",
        "criteria": "6.4, 7.1",
        "category": "PE",
        "required": "yes",
    }
    data.update(changes)
    return data


def url(name: str, version, audience: str = "participants", code: str = "") -> str:
    kwargs = {"label": version.label}
    if name != "rubric_question_sets":
        kwargs["audience"] = audience
    if code:
        kwargs["code"] = code
    return reverse(name, kwargs=kwargs)


def test_a_new_draft_copies_the_published_question_sets_word_for_word(draft):
    published = rubric_services.current_version()
    assert _questions(draft) == _questions(published) and _questions(draft)
    assert QuestionSet.objects.filter(version=draft).count() == 3
    # Copies, not the same rows.
    assert not set(Question.objects.filter(question_set__version=draft).values_list("pk", flat=True)) & set(
        Question.objects.filter(question_set__version=published).values_list("pk", flat=True)
    )


def test_a_rubric_admin_adds_a_question_to_a_draft(cast, client, draft):
    client.force_login(cast.rubric_admin)
    response = client.post(url("rubric_question_add", draft), form())
    assert response.status_code == 302
    question = Question.objects.get(question_set__version=draft, code="PE14")
    assert (question.criteria, question.category, question.required) == (["6.4", "7.1"], "PE", True)
    assert question.position == Question.objects.filter(question_set=question.question_set).count()
    change = RubricChange.objects.filter(version=draft).latest("pk")
    assert (change.field, change.after) == ("added", "I would take part again.")
    page = client.get(url("rubric_question_sets", draft)).content.decode()
    assert "I would take part again." in page


def test_bad_input_is_explained_and_kept(cast, client, draft):
    client.force_login(cast.rubric_admin)
    response = client.post(
        url("rubric_question_add", draft),
        form(code="PE01", criteria="2.4, 9.9", kind="single", options="Only one", text="Kept words"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "PE01 is already a question in this set" in page
    assert "9.9 is not a criterion of this draft" in page
    assert "Enter at least 2 choices" in page
    assert "Kept words" in page and "govuk-error-summary" in page
    response = client.post(url("rubric_question_add", draft), form(kind="yes_no", options="Yes\nNo"))
    assert "Only “choose one” and “choose any” questions have choices" in response.content.decode()
    assert not Question.objects.filter(question_set__version=draft, code="PE14").exists()


def test_changes_and_removals_show_in_the_redline(cast, client, draft):
    client.force_login(cast.rubric_admin)
    pe04 = Question.objects.get(question_set__version=draft, code="PE04")
    data = form(
        code="PE04",
        text="I was told what changed because of what I said.",
        criteria="2.4",
        category="PE",
    )
    assert client.post(url("rubric_question_edit", draft, code="PE04"), data).status_code == 302
    pe04.refresh_from_db()
    assert pe04.text == "I was told what changed because of what I said."
    # Removing is confirmed on a page of its own.
    confirm = client.get(url("rubric_question_remove", draft, code="PE10"))
    assert "Remove question PE10?" in confirm.content.decode()
    assert Question.objects.filter(question_set__version=draft, code="PE10").exists()
    client.post(url("rubric_question_remove", draft, code="PE10"))
    assert not Question.objects.filter(question_set__version=draft, code="PE10").exists()
    client.post(url("rubric_question_add", draft, audience="partners"), form(code="FP12", category="FP"))

    page = client.get(reverse("rubric_compare") + "?from=2026&to=2027").content.decode()
    assert "Survey questions changed" in page and "Survey questions removed" in page
    assert "Survey questions added" in page
    assert "People who took part question PE04" in page
    assert "<ins" in page and "changed because" in page  # word by word
    assert "People who took part question PE10" in page and "Partners question FP12" in page
    assert "1 added, 1 removed, 1 changed" in page
    assert "No changes." not in page


def test_an_unchanged_draft_has_no_question_changes(cast, client, draft):
    client.force_login(cast.rubric_admin)
    page = client.get(reverse("rubric_compare") + "?from=2026&to=2027").content.decode()
    assert "Survey questions" not in page


def test_a_published_set_never_changes(cast, client):
    published = rubric_services.current_version()
    client.force_login(cast.rubric_admin)
    response = client.post(url("rubric_question_add", published), form())
    assert response.status_code == 403
    assert "cannot be changed" in response.content.decode()
    assert client.post(url("rubric_question_remove", published, code="PE01")).status_code == 403
    question = Question.objects.get(question_set__version=published, code="PE01")
    with pytest.raises(FrozenRubricError):
        services.question_remove(question=question, by=cast.rubric_admin)
    assert Question.objects.filter(pk=question.pk).exists()


def test_the_version_page_links_to_its_questions_and_drafts_are_for_rubric_admins(cast, client, draft):
    client.force_login(cast.rubric_admin)
    page = client.get(reverse("rubric_version", kwargs={"label": "2027"})).content.decode()
    assert "See and change the survey questions of this version" in page
    client.force_login(cast.lead_a)
    assert client.get(url("rubric_question_sets", draft)).status_code == 404
    page = client.get(url("rubric_question_sets", rubric_services.current_version())).content.decode()
    assert "I was told what happened as a result of what I said." in page
    assert "Change<span" not in page
