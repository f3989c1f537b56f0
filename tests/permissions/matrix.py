"""The permission matrix: for every (URL name, method), the status each kind of person gets.

Objects in URLs belong to organisation A; people of organisation B must get 404 for them
(never 403, which would confirm the object exists, and never the object). Every named URL must
appear here: `test_every_named_url_is_in_the_matrix` walks the URLconf and fails otherwise, so
a new view cannot ship without deciding who may use it.

Later issues add a row per new view. A row is:
    Rule(url_name, method, expected, kwargs=..., data=...)
where `expected` maps each person in PEOPLE to a status code (helpers below build it), and
`kwargs` / `data` are functions of the cast so rows can point at organisation A's objects.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from organisations import services as people_services
from organisations.models import Invitation, Membership
from principles import services
from principles.models import RubricVersion

# Everyone the matrix is run as. "anonymous" is not signed in.
ORG_A = ("lead_a", "contributor_a", "viewer_a")
ORG_B = ("lead_b", "contributor_b", "viewer_b")
CQC = ("assessor", "rubric_admin", "site_admin")
PEOPLE = ("anonymous", "outsider", *ORG_A, *ORG_B, *CQC)
SIGNED_IN = tuple(p for p in PEOPLE if p != "anonymous")

REDIRECT = 302


def statuses(default: int, **overrides: int) -> dict[str, int]:
    """A status for everybody, with exceptions: statuses(404, lead_a=200, anonymous=302)."""
    unknown = set(overrides) - set(PEOPLE)
    assert not unknown, f"not in PEOPLE: {unknown}"
    return {person: overrides.get(person, default) for person in PEOPLE}


def signed_in(status: int, **overrides: int) -> dict[str, int]:
    """`status` for everyone signed in; the sign-in page for anonymous people (default deny)."""
    return statuses(status, anonymous=REDIRECT, **overrides)


def public(status: int, **overrides: int) -> dict[str, int]:
    return statuses(status, **overrides)


@dataclass(frozen=True)
class Rule:
    url_name: str
    method: str
    expected: dict[str, int]
    kwargs: Callable[[object], dict] = field(default=lambda cast: {})
    data: Callable[[object], dict] = field(default=lambda cast: {})

    def __str__(self) -> str:
        return f"{self.method} {self.url_name}"


def _org_a(cast) -> dict:
    return {"code": cast.org_a.code}


def _viewer_a_membership(cast) -> dict:
    membership = Membership.objects.get(user=cast.viewer_a, organisation=cast.org_a)
    return {"code": cast.org_a.code, "membership_id": membership.pk}


# Organisation A's pages: A's people read them, B's people and outsiders get 404. CQC assessors
# (and superusers, who hold every permission) read every organisation.
ORG_A_READERS = {p: 200 for p in (*ORG_A, "assessor", "site_admin")}
# Changing roles is for A's lead only; people who can see A but not lead it get 403.
ORG_A_LEAD_ONLY_GET = {
    "lead_a": 200,
    "contributor_a": 403,
    "viewer_a": 403,
    "assessor": 403,
    "site_admin": 403,
}
ORG_A_LEAD_ONLY_POST = {**ORG_A_LEAD_ONLY_GET, "lead_a": REDIRECT}

# The rubric. Published and retired versions are for everyone signed in to read; changing the
# rubric is for rubric admins (and superusers, who hold every permission), so others get 403.
# Drafts exist only for rubric admins: anyone else gets 404 for them, as for any object they
# cannot see. Draft rows use a draft copied from the published 2026 rubric (migration 0003).
RUBRIC_ADMIN_GET = signed_in(403, rubric_admin=200, site_admin=200)
RUBRIC_ADMIN_POST = signed_in(403, rubric_admin=REDIRECT, site_admin=REDIRECT)
DRAFT_GET = signed_in(404, rubric_admin=200, site_admin=200)
DRAFT_POST = signed_in(404, rubric_admin=REDIRECT, site_admin=REDIRECT)
DRAFT_LABEL = "draft-x"
RUBRIC_FILE = Path(__file__).resolve().parents[2] / "principles" / "rubric" / "2026.yaml"


def _draft(cast) -> RubricVersion:
    """The draft, made on first use: a row's kwargs are asked for once per request."""
    existing = RubricVersion.objects.filter(label=DRAFT_LABEL).first()
    return existing or services.rubric_new_draft(
        source=services.current_version(), label=DRAFT_LABEL, by=cast.rubric_admin
    )


def _draft_version(cast) -> dict:
    return {"label": _draft(cast).label}


def _draft_principle(cast) -> dict:
    return {**_draft_version(cast), "number": 1}


def _draft_criterion(cast) -> dict:
    return {**_draft_version(cast), "code": "1.1"}


def _draft_question(cast) -> dict:
    return {**_draft_version(cast), "audience": "staff", "code": "SL01"}


def _question_data(code: str) -> dict:
    return {
        "code": code,
        "text": "Our leaders explain how public views shaped their decisions.",
        "hint": "",
        "kind": "agreement",
        "options": "",
        "criteria": "1.4",
        "category": "SL",
        "required": "yes",
    }


# A published version's questions: rubric admins get the rubric's "cannot be changed" page (403);
# everyone else, who can read it but not change it, 403 as well.
RUBRIC_ADMIN_FROZEN = signed_in(403)


def _draft_category(cast) -> dict:
    return {**_draft_version(cast), "code": "PE"}


def _draft_evidence(cast) -> dict:
    item = _draft(cast).principles.get(number=1).suggested_evidence.order_by("position", "pk").first()
    return {**_draft_principle(cast), "item_id": item.pk}


def _rule_data(cast) -> dict:
    bands = {"min_percent_4": "90", "min_percent_3": "63", "min_percent_2": "39", "min_percent_1": "0"}
    return {**bands, "min_scored_percent": "75", "min_evidence_categories": "2", "stricter_limiters": "no"}


def _published(cast) -> dict:
    return {"label": "2026"}


def _published_principle(cast) -> dict:
    return {"label": "2026", "number": 1}


def _criterion_data(code: str):
    def data(cast) -> dict:
        levels = {f"level_{n}": f"What level {n} looks like." for n in (1, 2, 3, 4)}
        return {"code": code, "text": "A criterion.", "guidance": "", "suggested_evidence": "", **levels}

    return data


def _rubric_file(cast) -> dict:
    return {"file": SimpleUploadedFile("rubric.yaml", RUBRIC_FILE.read_bytes()), "label": "imported"}


RULES: list[Rule] = [
    # Public pages.
    Rule("healthz", "GET", public(200)),
    Rule("accessibility", "GET", public(200)),
    # Signing in: signed-in people are sent on to their home page.
    Rule("login", "GET", statuses(REDIRECT, anonymous=200)),
    Rule(
        "login", "POST", statuses(REDIRECT, anonymous=200), data=lambda c: {"username": "x", "password": "y"}
    ),
    Rule("logout", "POST", public(REDIRECT)),
    Rule("password_reset", "GET", public(200)),
    Rule("password_reset", "POST", public(REDIRECT), data=lambda c: {"email": "lead_a@example.org"}),
    Rule("password_reset_done", "GET", public(200)),
    Rule(
        "password_reset_confirm", "GET", public(200), kwargs=lambda c: {"uidb64": "MQ", "token": "bad-token"}
    ),
    Rule(
        "password_reset_confirm",
        "POST",
        public(200),
        kwargs=lambda c: {"uidb64": "MQ", "token": "bad-token"},
        data=lambda c: {"new_password1": "x", "new_password2": "x"},
    ),
    Rule("password_reset_complete", "GET", public(200)),
    # The second factor. Everyone here is signed in verified (or has no authenticator app), so the
    # code pages send them on; tests/assessments/test_two_factor.py covers sessions that still owe
    # a code. Only people with two-factor authentication on (the CQC three) have recovery codes;
    # those whose role needs it cannot turn it off (403); for the rest it is off (sent to account).
    Rule("sign_in_code", "GET", statuses(REDIRECT)),
    Rule("sign_in_code", "POST", statuses(REDIRECT), data=lambda c: {"code": "000000"}),
    Rule("sign_in_recovery_code", "GET", statuses(REDIRECT)),
    Rule("sign_in_recovery_code", "POST", statuses(REDIRECT), data=lambda c: {"recovery_code": "x"}),
    Rule("two_factor_setup", "GET", signed_in(200)),
    # A code that is not 6 numbers: the form comes back with its error.
    Rule("two_factor_setup", "POST", signed_in(200), data=lambda c: {"code": "abc"}),
    Rule("two_factor_recovery_codes", "GET", signed_in(REDIRECT, **{p: 200 for p in CQC})),
    Rule("two_factor_recovery_codes", "POST", signed_in(REDIRECT)),
    Rule("two_factor_turn_off", "GET", signed_in(REDIRECT, **{p: 403 for p in CQC})),
    Rule("two_factor_turn_off", "POST", signed_in(REDIRECT, **{p: 403 for p in CQC})),
    # Everyone signed in.
    Rule("home", "GET", signed_in(200)),
    Rule("account", "GET", signed_in(200)),
    Rule("password_change", "GET", signed_in(200)),
    Rule("password_change", "POST", signed_in(200), data=lambda c: {"old_password": "wrong"}),
    Rule("password_change_done", "GET", signed_in(200)),
    Rule("organisation_list", "GET", signed_in(200)),
    # Organisation A's objects.
    Rule("organisation_detail", "GET", signed_in(404, **ORG_A_READERS), kwargs=_org_a),
    Rule("membership_role", "GET", signed_in(404, **ORG_A_LEAD_ONLY_GET), kwargs=_viewer_a_membership),
    Rule(
        "membership_role",
        "POST",
        signed_in(404, **ORG_A_LEAD_ONLY_POST),
        kwargs=_viewer_a_membership,
        data=lambda c: {"role": "contributor"},
    ),
    # The rubric: reading.
    Rule("rubric_current", "GET", signed_in(200)),
    Rule("rubric_version_list", "GET", signed_in(200)),
    Rule("rubric_version", "GET", signed_in(200), kwargs=_published),
    Rule("rubric_version", "GET", DRAFT_GET, kwargs=_draft_version),
    Rule("rubric_principle", "GET", signed_in(200), kwargs=_published_principle),
    Rule("rubric_principle", "GET", DRAFT_GET, kwargs=_draft_principle),
    Rule("rubric_version_export", "GET", signed_in(200), kwargs=_published),
    Rule("rubric_compare", "GET", signed_in(200)),
    # The rubric: rubric admins' pages about published versions (others may read them: 403).
    Rule("rubric_version_history", "GET", RUBRIC_ADMIN_GET, kwargs=_published),
    Rule("rubric_version_new", "GET", RUBRIC_ADMIN_GET),
    Rule(
        "rubric_version_new",
        "POST",
        RUBRIC_ADMIN_POST,
        data=lambda c: {"label": "2027", "title": "Public engagement rubric 2027"},
    ),
    Rule("rubric_import", "GET", RUBRIC_ADMIN_GET),
    Rule("rubric_import", "POST", RUBRIC_ADMIN_POST, data=_rubric_file),
    Rule("rubric_version_retire", "GET", RUBRIC_ADMIN_GET, kwargs=_published),
    Rule("rubric_version_retire", "POST", RUBRIC_ADMIN_POST, kwargs=_published),
    # The rubric: editing a draft (others cannot see drafts: 404).
    Rule("rubric_version_edit", "GET", DRAFT_GET, kwargs=_draft_version),
    Rule(
        "rubric_version_edit",
        "POST",
        DRAFT_POST,
        kwargs=_draft_version,
        data=lambda c: {"title": "New title"},
    ),
    Rule("rubric_principle_edit", "GET", DRAFT_GET, kwargs=_draft_principle),
    Rule(
        "rubric_principle_edit",
        "POST",
        DRAFT_POST,
        kwargs=_draft_principle,
        data=lambda c: {"title": "Leadership", "statement": "Leaders lead.", "guidance": ""},
    ),
    Rule("rubric_criterion_add", "GET", DRAFT_GET, kwargs=_draft_principle),
    Rule("rubric_criterion_add", "POST", DRAFT_POST, kwargs=_draft_principle, data=_criterion_data("1.9")),
    Rule("rubric_criterion_edit", "GET", DRAFT_GET, kwargs=_draft_criterion),
    Rule("rubric_criterion_edit", "POST", DRAFT_POST, kwargs=_draft_criterion, data=_criterion_data("1.1")),
    Rule(
        "rubric_criterion_move",
        "POST",
        DRAFT_POST,
        kwargs=_draft_criterion,
        data=lambda c: {"direction": "down"},
    ),
    Rule("rubric_criterion_remove", "GET", DRAFT_GET, kwargs=_draft_criterion),
    Rule("rubric_criterion_remove", "POST", DRAFT_POST, kwargs=_draft_criterion),
    # A version's survey questions (voices/rubric_views.py): read like the version; a draft's
    # changed by rubric admins; a published version's refused with the rubric's 403 page.
    Rule("rubric_question_sets", "GET", signed_in(200), kwargs=_published),
    Rule("rubric_question_sets", "GET", DRAFT_GET, kwargs=_draft_version),
    Rule(
        "rubric_question_add", "GET", DRAFT_GET, kwargs=lambda c: {**_draft_version(c), "audience": "staff"}
    ),
    Rule(
        "rubric_question_add",
        "POST",
        DRAFT_POST,
        kwargs=lambda c: {**_draft_version(c), "audience": "staff"},
        data=lambda c: _question_data("SL20"),
    ),
    Rule(
        "rubric_question_add",
        "POST",
        RUBRIC_ADMIN_FROZEN,
        kwargs=lambda c: {**_published(c), "audience": "staff"},
    ),
    Rule("rubric_question_edit", "GET", DRAFT_GET, kwargs=_draft_question),
    Rule(
        "rubric_question_edit",
        "POST",
        DRAFT_POST,
        kwargs=_draft_question,
        data=lambda c: _question_data("SL01"),
    ),
    Rule("rubric_question_remove", "GET", DRAFT_GET, kwargs=_draft_question),
    Rule("rubric_question_remove", "POST", DRAFT_POST, kwargs=_draft_question),
    Rule(
        "rubric_question_remove",
        "POST",
        RUBRIC_ADMIN_FROZEN,
        kwargs=lambda c: {**_published(c), "audience": "staff", "code": "SL01"},
    ),
    Rule("rubric_rule_edit", "GET", DRAFT_GET, kwargs=_draft_version),
    Rule("rubric_rule_edit", "POST", DRAFT_POST, kwargs=_draft_version, data=_rule_data),
    Rule("rubric_category_edit", "GET", DRAFT_GET, kwargs=_draft_category),
    Rule(
        "rubric_category_edit",
        "POST",
        DRAFT_POST,
        kwargs=_draft_category,
        data=lambda c: {"name": "People's experience", "description": "Residents and patients"},
    ),
    Rule("rubric_evidence_add", "GET", DRAFT_GET, kwargs=_draft_principle),
    Rule(
        "rubric_evidence_add",
        "POST",
        DRAFT_POST,
        kwargs=_draft_principle,
        data=lambda c: {"text": "Board minutes", "categories": ["PR"]},
    ),
    Rule("rubric_evidence_edit", "GET", DRAFT_GET, kwargs=_draft_evidence),
    Rule(
        "rubric_evidence_edit",
        "POST",
        DRAFT_POST,
        kwargs=_draft_evidence,
        data=lambda c: {"text": "Board minutes", "categories": ["PR", "SL"]},
    ),
    Rule("rubric_evidence_remove", "GET", DRAFT_GET, kwargs=_draft_evidence),
    Rule("rubric_evidence_remove", "POST", DRAFT_POST, kwargs=_draft_evidence),
    Rule("rubric_version_publish", "GET", DRAFT_GET, kwargs=_draft_version),
    Rule("rubric_version_publish", "POST", DRAFT_POST, kwargs=_draft_version),
    Rule("rubric_version_delete", "GET", DRAFT_GET, kwargs=_draft_version),
    Rule("rubric_version_delete", "POST", DRAFT_POST, kwargs=_draft_version),
    # Django's admin: staff only. Its own check guards every admin URL; the index stands for
    # them here, and test_every_admin_page_is_for_staff_only requests the rest.
    Rule("admin:index", "GET", statuses(REDIRECT, site_admin=200)),
]

# ---------------------------------------------------------------------------------------------
# The evidence library (evidence/urls.py). Organisation A's members read it (viewers too) and
# download; its leads and contributors upload, edit, add revisions, delete and restore (viewers
# get 403). CQC assessors (and superusers, who hold their permission) see an item, and download
# a revision, only when a submitted assessment cited it: for the uncited item they get 404, for
# the cited one 200, and 403 if they try to change it. Another organisation's item asked for
# under A's code is a 404 for everybody.


def _evidence(cast, title: str = "Matrix evidence", *, organisation=None, cited: bool = False):
    """A clean file in an item of organisation A (or `organisation`), made on first use."""
    from evidence.models import EvidenceFile
    from tests.evidence.library import cite_and_submit, stored_file

    organisation = organisation or cast.org_a
    existing = EvidenceFile.objects.filter(item__organisation=organisation, item__title=title).first()
    if existing:
        return existing
    lead = cast.lead_a if organisation == cast.org_a else cast.lead_b
    file = stored_file(
        organisation, lead, title=title, content=title.encode() + b" %PDF-", name="minutes.pdf"
    )
    if cited:
        cite_and_submit(file, lead)
    return file


def _evidence_item(cast) -> dict:
    return {"code": cast.org_a.code, "item_id": _evidence(cast).item_id}


def _evidence_revision(cast) -> dict:
    return {**_evidence_item(cast), "revision": 1}


def _cited_evidence_item(cast) -> dict:
    return {"code": cast.org_a.code, "item_id": _evidence(cast, "Cited evidence", cited=True).item_id}


def _cited_evidence_revision(cast) -> dict:
    return {**_cited_evidence_item(cast), "revision": 1}


def _org_b_evidence_under_a(cast) -> dict:
    """Tampering: B's item id in A's library."""
    return {
        "code": cast.org_a.code,
        "item_id": _evidence(cast, "B's evidence", organisation=cast.org_b).item_id,
    }


def _deleted_evidence_item(cast) -> dict:
    from django.utils import timezone

    from evidence.models import EvidenceItem

    item_id = _evidence(cast, "Deleted evidence").item_id
    EvidenceItem.objects.filter(pk=item_id).update(deleted_at=timezone.now(), deleted_by=cast.lead_a)
    return {"code": cast.org_a.code, "item_id": item_id}


def _evidence_details(cast) -> dict:
    # "version": the edit page's optimistic lock (the item as it was when the page was opened).
    return {"title": "Minutes", "description": "", "kind": "board_minutes", "category": "PR", "version": "1"}


def _evidence_upload(cast) -> dict:
    from tests.evidence import crafted

    return {**_evidence_details(cast), "files": SimpleUploadedFile("minutes.pdf", crafted.pdf())}


def _evidence_new_revision(cast) -> dict:
    from tests.evidence import crafted

    return {"file": SimpleUploadedFile("minutes-v2.pdf", crafted.pdf(2))}


ORG_A_MEMBERS = {p: 200 for p in ORG_A}
EVIDENCE_READ = signed_in(404, **ORG_A_MEMBERS)
EVIDENCE_READ_CITED = signed_in(404, **ORG_A_MEMBERS, assessor=200, site_admin=200)
# Pages about A's library as a whole: assessors can see A, so a write page is a 403 for them.
EVIDENCE_LIBRARY_WRITE_GET = signed_in(
    404, lead_a=200, contributor_a=200, viewer_a=403, assessor=403, site_admin=403
)
EVIDENCE_LIBRARY_WRITE_POST = {**EVIDENCE_LIBRARY_WRITE_GET, "lead_a": REDIRECT, "contributor_a": REDIRECT}
# Pages about an uncited item: assessors cannot see it, so a 404.
EVIDENCE_ITEM_WRITE_GET = signed_in(404, lead_a=200, contributor_a=200, viewer_a=403)
EVIDENCE_ITEM_WRITE_POST = signed_in(404, lead_a=REDIRECT, contributor_a=REDIRECT, viewer_a=403)

EVIDENCE_RULES: list[Rule] = [
    Rule("evidence_library", "GET", signed_in(404, **ORG_A_READERS), kwargs=_org_a),
    Rule("evidence_upload", "GET", EVIDENCE_LIBRARY_WRITE_GET, kwargs=_org_a),
    Rule("evidence_upload", "POST", EVIDENCE_LIBRARY_WRITE_POST, kwargs=_org_a, data=_evidence_upload),
    Rule("evidence_deleted", "GET", EVIDENCE_LIBRARY_WRITE_GET, kwargs=_org_a),
    Rule("evidence_item", "GET", EVIDENCE_READ, kwargs=_evidence_item),
    Rule("evidence_item", "GET", EVIDENCE_READ_CITED, kwargs=_cited_evidence_item),
    Rule("evidence_item", "GET", signed_in(404), kwargs=_org_b_evidence_under_a),
    Rule("evidence_item_edit", "GET", EVIDENCE_ITEM_WRITE_GET, kwargs=_evidence_item),
    Rule(
        "evidence_item_edit",
        "GET",
        signed_in(404, lead_a=200, contributor_a=200, viewer_a=403, assessor=403, site_admin=403),
        kwargs=_cited_evidence_item,
    ),
    Rule(
        "evidence_item_edit", "POST", EVIDENCE_ITEM_WRITE_POST, kwargs=_evidence_item, data=_evidence_details
    ),
    Rule(
        "evidence_item_edit", "POST", signed_in(404), kwargs=_org_b_evidence_under_a, data=_evidence_details
    ),
    Rule("evidence_revision_add", "GET", EVIDENCE_ITEM_WRITE_GET, kwargs=_evidence_item),
    Rule(
        "evidence_revision_add",
        "POST",
        EVIDENCE_ITEM_WRITE_POST,
        kwargs=_evidence_item,
        data=_evidence_new_revision,
    ),
    Rule("evidence_download", "GET", EVIDENCE_READ, kwargs=_evidence_revision),
    Rule("evidence_download", "GET", EVIDENCE_READ_CITED, kwargs=_cited_evidence_revision),
    Rule("evidence_item_delete", "GET", EVIDENCE_ITEM_WRITE_GET, kwargs=_evidence_item),
    Rule("evidence_item_delete", "POST", EVIDENCE_ITEM_WRITE_POST, kwargs=_evidence_item),
    Rule("evidence_item_delete", "POST", signed_in(404), kwargs=_org_b_evidence_under_a),
    Rule("evidence_item_restore", "POST", EVIDENCE_ITEM_WRITE_POST, kwargs=_deleted_evidence_item),
]
RULES += EVIDENCE_RULES

# ---------------------------------------------------------------------------------------------
# Self-assessments (assessments/self_assessment_views.py). Organisation A's assessment for the
# open 2026/27 cycle, started by lead_a. A's members read every page (viewers too); leads and
# contributors answer and cite evidence (viewers get 403); only leads start and submit
# (contributors and viewers get 403). CQC staff never see an assessment the organisation is
# working on: a 404 on every page of it. They read submissions (an earlier cycle's assessment,
# submitted), as A's members do. Everyone else gets 404.


def _sa_draft(cast):
    from tests.assessments.helpers import start

    return start(cast)


def _sa(cast) -> dict:
    assessment = _sa_draft(cast)
    return {"code": assessment.organisation.code, "cycle": assessment.cycle.slug}


def _sa_criterion(cast) -> dict:
    return {**_sa(cast), "criterion": "1.1"}


def _sa_file(cast):
    from evidence.models import EvidenceFile
    from tests.assessments.helpers import evidence_file

    existing = EvidenceFile.objects.filter(
        item__organisation=cast.org_a, item__title="Matrix minutes"
    ).first()
    return existing or evidence_file(cast.org_a, cast.lead_a, title="Matrix minutes")


def _sa_citation(cast) -> dict:
    from evidence.models import Citation
    from tests.assessments.helpers import cite

    kwargs = _sa_criterion(cast)
    citation = Citation.objects.filter(response__criterion__code="1.1", location="Page 1").first()
    citation = citation or cite(_sa_draft(cast), "1.1", _sa_file(cast), cast.lead_a)
    return {**kwargs, "citation_id": citation.pk}


def _sa_ready(cast) -> dict:
    """The draft with every criterion answered, ready for its lead to submit."""
    from tests.assessments.helpers import answer_all

    kwargs = _sa(cast)
    answer_all(_sa_draft(cast))
    return kwargs


def _sa_start(cast) -> dict:
    """An open cycle A has not started yet."""
    from tests.assessments.helpers import open_cycle

    return {"code": cast.org_a.code, "cycle": open_cycle("2027/28", "2027-28").slug}


def _sa_submitted(cast) -> dict:
    """A's assessment in the earlier 2025/26 cycle, submitted."""
    from assessments.models import Assessment
    from tests.assessments.helpers import answer_all, earlier_cycle, start_in_past_cycle, submit

    cycle = earlier_cycle()
    if not Assessment.objects.filter(organisation=cast.org_a, cycle=cycle).exists():
        assessment = start_in_past_cycle(cast, cycle)
        answer_all(assessment)
        submit(assessment, cast.lead_a)
    return {"code": cast.org_a.code, "cycle": cycle.slug}


def _sa_submission(cast) -> dict:
    return {**_sa_submitted(cast), "number": 1}


def _sa_answer(cast) -> dict:
    return {"score": "3", "narrative": "Named leads in every partner.", "version": "0", "action": "return"}


def _sa_cite(cast) -> dict:
    return {"file": _sa_file(cast).pk, "location": "Page 2", "note": "Names the leads."}


def _sa_library_item(cast) -> dict:
    return {**_sa(cast), "item_id": _sa_file(cast).item_id}


def _sa_criterion_choice(cast) -> dict:
    return {"criterion": "1.1"}


def _sa_answered_criterion(cast) -> dict:
    """Criterion 1.1 answered with its reasoning, so it can be marked ready for the lead."""
    from assessments.models import CriterionResponse

    kwargs = _sa_criterion(cast)
    CriterionResponse.objects.filter(assessment=_sa_draft(cast), criterion__code="1.1").update(
        score=3, narrative="Named leads in every partner."
    )
    return kwargs


def _sa_share(cast) -> dict:
    return {"person": str(cast.contributor_a.pk), "principles": "1", "criteria": "2.1"}


SA_MEMBERS = signed_in(404, **ORG_A_MEMBERS)
SA_EDITORS_GET = signed_in(404, lead_a=200, contributor_a=200, viewer_a=403)
SA_EDITORS_POST = signed_in(404, lead_a=REDIRECT, contributor_a=REDIRECT, viewer_a=403)
SA_LEAD_POST = signed_in(404, lead_a=REDIRECT, contributor_a=403, viewer_a=403)

SELF_ASSESSMENT_RULES: list[Rule] = [
    Rule("assessment_list", "GET", signed_in(404, **ORG_A_READERS), kwargs=_org_a),
    Rule("assessment_start", "GET", signed_in(404, **ORG_A_LEAD_ONLY_GET), kwargs=_sa_start),
    Rule("assessment_start", "POST", signed_in(404, **ORG_A_LEAD_ONLY_POST), kwargs=_sa_start),
    Rule("assessment_overview", "GET", SA_MEMBERS, kwargs=_sa),
    Rule("assessment_criterion", "GET", SA_MEMBERS, kwargs=_sa_criterion),
    Rule("assessment_criterion", "POST", SA_EDITORS_POST, kwargs=_sa_criterion, data=_sa_answer),
    Rule("citation_add", "GET", SA_EDITORS_GET, kwargs=_sa_criterion),
    Rule("citation_add", "POST", SA_EDITORS_POST, kwargs=_sa_criterion, data=_sa_cite),
    Rule("evidence_cite_criterion", "GET", SA_EDITORS_GET, kwargs=_sa_library_item),
    Rule(
        "evidence_cite_criterion", "POST", SA_EDITORS_POST, kwargs=_sa_library_item, data=_sa_criterion_choice
    ),
    Rule("citation_remove", "GET", SA_EDITORS_GET, kwargs=_sa_citation),
    Rule("citation_remove", "POST", SA_EDITORS_POST, kwargs=_sa_citation),
    Rule("assessment_check", "GET", SA_MEMBERS, kwargs=_sa),
    # Work shared out: leads give criteria to members; leads and contributors mark them ready.
    Rule("assessment_share", "GET", signed_in(404, lead_a=200, contributor_a=403, viewer_a=403), kwargs=_sa),
    Rule("assessment_share", "POST", SA_LEAD_POST, kwargs=_sa, data=_sa_share),
    Rule(
        "criterion_ready",
        "POST",
        SA_EDITORS_POST,
        kwargs=_sa_answered_criterion,
        data=lambda c: {"ready": "yes"},
    ),
    Rule(
        "assessment_submit",
        "POST",
        SA_LEAD_POST,
        kwargs=_sa_ready,
        data=lambda c: {"declaration": "on", "acknowledge": "on"},
    ),
    Rule("assessment_history", "GET", SA_MEMBERS, kwargs=_sa),
    Rule("submission_list", "GET", signed_in(404, **ORG_A_READERS), kwargs=_sa_submitted),
    Rule("submission_detail", "GET", signed_in(404, **ORG_A_READERS), kwargs=_sa_submission),
]
RULES += SELF_ASSESSMENT_RULES

# ---------------------------------------------------------------------------------------------
# The PDF report (assessments/report_views.py). A's members download a draft report of the
# assessment they are working on; CQC staff never get draft content (404). The report of a
# submitted assessment, and of each submission, is for A's members and CQC assessors. A
# submission number that does not exist is a 404 for everybody.


def _sa_missing_submission(cast) -> dict:
    return {**_sa_submitted(cast), "number": 2}


REPORT_RULES: list[Rule] = [
    Rule("assessment_report", "GET", SA_MEMBERS, kwargs=_sa),
    Rule("assessment_report", "GET", signed_in(404, **ORG_A_READERS), kwargs=_sa_submitted),
    Rule("submission_report", "GET", signed_in(404, **ORG_A_READERS), kwargs=_sa_submission),
    Rule("submission_report", "GET", signed_in(404), kwargs=_sa_missing_submission),
    Rule("submission_report_status", "GET", signed_in(404, **ORG_A_READERS), kwargs=_sa_submission),
]
RULES += REPORT_RULES

# ---------------------------------------------------------------------------------------------
# CQC's review (reviews/views.py): for CQC assessors (and superusers, who hold every permission)
# only; everyone else signed in gets 403, whatever the assessment. Assessors get 404 for an
# assessment that was never submitted (A's draft in the open cycle). The submitted assessment
# is A's 2025/26 one; "in review" is that one taken into review.


def _rv_in_review(cast) -> dict:
    from assessments.models import Assessment
    from reviews.services import review_start

    kwargs = _sa_submitted(cast)
    assessment = Assessment.objects.get(organisation=cast.org_a, cycle__slug=kwargs["cycle"])
    if assessment.status == Assessment.Status.SUBMITTED:
        review_start(assessment=assessment, by=cast.assessor)
    return kwargs


REVIEW_GET = signed_in(403, assessor=200, site_admin=200)
REVIEW_POST = signed_in(403, assessor=REDIRECT, site_admin=REDIRECT)
REVIEW_DRAFT = signed_in(403, assessor=404, site_admin=404)
REVIEW_REFUSED = signed_in(403, assessor=400, site_admin=400)


def _reply_by_form(days: int = 14) -> dict:
    import datetime

    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=days)
    return {"reply-by-day": day.day, "reply-by-month": day.month, "reply-by-year": day.year}


REVIEW_RULES: list[Rule] = [
    Rule("review_queue", "GET", REVIEW_GET),
    Rule("review_workspace", "GET", REVIEW_GET, kwargs=_sa_submitted),
    Rule("review_workspace", "GET", REVIEW_GET, kwargs=_rv_in_review),
    Rule("review_workspace", "GET", REVIEW_DRAFT, kwargs=_sa),
    Rule("review_emails", "GET", REVIEW_GET, kwargs=_sa_submitted),
    Rule("review_emails", "GET", REVIEW_DRAFT, kwargs=_sa),
    Rule(
        "review_assign", "POST", REVIEW_POST, kwargs=_sa_submitted, data=lambda c: {"assignee": c.assessor.pk}
    ),
    Rule("review_assign", "POST", REVIEW_DRAFT, kwargs=_sa, data=lambda c: {"assignee": c.assessor.pk}),
    # The assign page, where a review is reassigned (a separate, confirmed step).
    Rule("review_assign", "GET", REVIEW_GET, kwargs=_sa_submitted),
    Rule("review_assign", "GET", REVIEW_DRAFT, kwargs=_sa),
    Rule("review_start", "POST", REVIEW_POST, kwargs=_sa_submitted),
    Rule("review_start", "POST", REVIEW_DRAFT, kwargs=_sa),
    Rule(
        "review_notes",
        "POST",
        REVIEW_POST,
        kwargs=_sa_submitted,
        data=lambda c: {"notes": "N", "version": "0"},
    ),
    Rule("review_notes", "POST", REVIEW_DRAFT, kwargs=_sa, data=lambda c: {"notes": "N", "version": "0"}),
    Rule("review_criterion", "GET", REVIEW_GET, kwargs=lambda c: {**_sa_submitted(c), "criterion": "1.1"}),
    Rule("review_criterion", "GET", REVIEW_DRAFT, kwargs=_sa_criterion),
    Rule(
        "review_criterion",
        "POST",
        REVIEW_POST,
        kwargs=lambda c: {**_rv_in_review(c), "criterion": "1.1"},
        data=lambda c: {"score": "2", "rationale": "Seen it", "version": "0"},
    ),
    # Not in review yet: refused with a message, nothing saved.
    Rule(
        "review_criterion",
        "POST",
        REVIEW_REFUSED,
        kwargs=lambda c: {**_sa_submitted(c), "criterion": "1.1"},
        data=lambda c: {"score": "2", "rationale": "Seen it", "version": "0"},
    ),
    Rule("review_principle", "GET", REVIEW_GET, kwargs=lambda c: {**_sa_submitted(c), "number": 1}),
    Rule(
        "review_principle",
        "POST",
        REVIEW_POST,
        kwargs=lambda c: {**_rv_in_review(c), "number": 1},
        data=lambda c: {"override": "none", "rationale": ""},
    ),
    Rule(
        "review_principle",
        "POST",
        REVIEW_REFUSED,
        kwargs=lambda c: {**_sa_submitted(c), "number": 1},
        data=lambda c: {"override": "none", "rationale": ""},
    ),
]


def _rv_returned(cast) -> dict:
    """The in-review assessment returned to A with a question on criterion 1.1."""
    from assessments.models import Assessment
    from reviews.services import assessment_return_with_questions, question_ask

    kwargs = _rv_in_review(cast)
    assessment = Assessment.objects.get(organisation=cast.org_a, cycle__slug=kwargs["cycle"])
    if assessment.status == Assessment.Status.IN_REVIEW:
        question_ask(assessment=assessment, by=cast.assessor, body="Which minutes?", criterion_code="1.1")
        assessment_return_with_questions(assessment=assessment, by=cast.assessor)
    return kwargs


def _rv_question(cast) -> dict:
    from reviews.models import Clarification

    kwargs = _rv_returned(cast)
    return {**kwargs, "question_id": Clarification.objects.get(parent=None, body="Which minutes?").pk}


def _rv_resubmitted(cast) -> dict:
    """Returned, then resubmitted by A's lead: two submissions to compare."""
    from assessments.models import Assessment
    from tests.assessments.helpers import submit

    kwargs = _rv_returned(cast)
    assessment = Assessment.objects.get(organisation=cast.org_a, cycle__slug=kwargs["cycle"])
    if assessment.status == Assessment.Status.RETURNED:
        # A resubmission needs an answer to each of CQC's questions.
        from reviews.models import Clarification
        from reviews.services import question_reply

        for question in Clarification.objects.filter(assessment=assessment, parent=None, answered_at=None):
            question_reply(question=question, by=cast.lead_a, body="Minutes of March.")
        submit(assessment, cast.lead_a, reply="Minutes of March.")
    return kwargs


def _rv_answer(cast) -> dict:
    from reviews.models import Clarification

    return {"question": Clarification.objects.get(parent=None, body="Which minutes?").pk, "body": "March."}


REVIEW_RULES += [
    Rule(
        "review_question",
        "POST",
        REVIEW_POST,
        kwargs=_rv_in_review,
        data=lambda c: {"question": "Which minutes?", "criterion": "1.1"},
    ),
    Rule("review_question", "POST", REVIEW_DRAFT, kwargs=_sa, data=lambda c: {"question": "Q"}),
    Rule("review_reply", "POST", REVIEW_POST, kwargs=_rv_question, data=lambda c: {"body": "Page numbers?"}),
    Rule("review_return", "GET", REVIEW_GET, kwargs=_rv_in_review),
    Rule(
        "review_return",
        "POST",
        REVIEW_POST,
        kwargs=_rv_in_review,
        data=lambda c: {"comment": "Tell us more.", **_reply_by_form()},
    ),
    # A reply-by date in the past: refused, the message kept.
    Rule(
        "review_return",
        "POST",
        REVIEW_REFUSED,
        kwargs=_rv_in_review,
        data=lambda c: {"comment": "Tell us more.", **_reply_by_form(days=-1)},
    ),
    Rule("review_return", "POST", REVIEW_DRAFT, kwargs=_sa, data=lambda c: {"comment": "Tell us more."}),
    Rule("review_changes", "GET", REVIEW_GET, kwargs=_rv_resubmitted),
    # Only one submission: nothing to compare.
    Rule("review_changes", "GET", signed_in(403, assessor=404, site_admin=404), kwargs=_sa_submitted),
    # The organisation's side of the questions: A's members read, A's leads and contributors
    # answer (viewers 403); everyone else, CQC included, 404.
    Rule("assessment_questions", "GET", SA_MEMBERS, kwargs=_rv_returned),
    Rule("assessment_questions", "POST", SA_EDITORS_POST, kwargs=_rv_returned, data=_rv_answer),
]


def _rv_shared(cast) -> dict:
    """In review, every criterion scored, the draft outcome shared (comments due today)."""
    from django.utils import timezone

    from assessments.models import Assessment
    from reviews.models import Outcome
    from reviews.services import outcome_share
    from tests.assessments.review_helpers import score_all

    kwargs = _rv_in_review(cast)
    assessment = Assessment.objects.get(organisation=cast.org_a, cycle__slug=kwargs["cycle"])
    if not Outcome.objects.filter(review__assessment=assessment).exists():
        score_all(assessment, cast.assessor)
        outcome_share(
            assessment=assessment,
            by=cast.assessor,
            summaries={str(n): "Summary" for n in range(1, 9)},
            fa_deadline=timezone.localdate(),
        )
    return kwargs


def _rv_fa_comment(cast) -> dict:
    from assessments.models import Assessment
    from reviews.models import FactualAccuracyComment
    from reviews.services import fa_comment_add

    kwargs = _rv_shared(cast)
    comment = FactualAccuracyComment.objects.first()
    if comment is None:
        assessment = Assessment.objects.get(organisation=cast.org_a, cycle__slug=kwargs["cycle"])
        comment = fa_comment_add(assessment=assessment, by=cast.lead_a, body="Wrong date")
    return {**kwargs, "comment_id": comment.pk}


def _rv_share_form(cast) -> dict:
    from django.utils import timezone

    today = timezone.localdate()
    data = {f"summary-{n}": "Summary" for n in range(1, 9)}
    return {**data, "deadline-day": today.day, "deadline-month": today.month, "deadline-year": today.year}


REVIEW_RULES += [
    Rule("review_outcome", "GET", REVIEW_GET, kwargs=_rv_shared),
    Rule("review_outcome", "POST", REVIEW_POST, kwargs=_rv_shared, data=_rv_share_form),
    # Criteria not scored yet: refused, with the summaries kept.
    Rule("review_outcome", "POST", REVIEW_REFUSED, kwargs=_rv_in_review, data=_rv_share_form),
    Rule(
        "review_fa_respond", "POST", REVIEW_POST, kwargs=_rv_fa_comment, data=lambda c: {"response": "Fixed"}
    ),
    # Finalising is confirmed on a page of its own; comments are due today, so finalising now is
    # early and needs a reason.
    Rule("review_finalise", "GET", REVIEW_GET, kwargs=_rv_shared),
    Rule("review_finalise", "GET", REVIEW_DRAFT, kwargs=_sa),
    Rule("review_finalise", "POST", REVIEW_POST, kwargs=_rv_shared, data=lambda c: {"reason": "No comments"}),
    Rule("review_finalise", "POST", REVIEW_REFUSED, kwargs=_rv_shared),
    Rule("review_finalise", "POST", REVIEW_REFUSED, kwargs=_rv_in_review),
    Rule("review_finalise", "POST", REVIEW_DRAFT, kwargs=_sa),
    # The organisation's view of the outcome: A's members read it once shared (404 before);
    # A's leads and contributors comment before the deadline; everyone else, CQC included, 404.
    Rule("assessment_outcome", "GET", SA_MEMBERS, kwargs=_rv_shared),
    Rule("assessment_outcome", "GET", signed_in(404), kwargs=_rv_in_review),
    Rule(
        "assessment_outcome",
        "POST",
        SA_EDITORS_POST,
        kwargs=_rv_shared,
        data=lambda c: {"comment": "Wrong date"},
    ),
]
REVIEW_RULES += [
    Rule("review_calibration", "GET", REVIEW_GET, kwargs=lambda c: {"cycle": _sa_submitted(c)["cycle"]}),
    Rule("review_export_csv", "GET", REVIEW_GET, kwargs=lambda c: {"cycle": _sa_submitted(c)["cycle"]}),
    Rule("review_export_xlsx", "GET", REVIEW_GET, kwargs=lambda c: {"cycle": _sa_submitted(c)["cycle"]}),
    Rule(
        "review_calibration",
        "GET",
        signed_in(403, assessor=404, site_admin=404),
        kwargs=lambda c: {"cycle": "none"},
    ),
]


def _rv_moderatable(cast) -> dict:
    """A's assessment in an earlier cycle (2024/25), answered with evidence from two categories
    under every criterion, submitted, in review with the assessor and every criterion scored: its
    principles have scores a second assessor can moderate."""
    import datetime

    from django.utils import timezone

    from assessments.models import Assessment, AssessmentCycle
    from reviews.services import review_start
    from tests.assessments.helpers import answer_all, cite_everywhere, start_in_past_cycle, submit
    from tests.assessments.review_helpers import score_all

    today = timezone.localdate()
    cycle, _ = AssessmentCycle.objects.get_or_create(
        slug="2024-25",
        defaults={
            "label": "2024/25",
            "opens_on": today - datetime.timedelta(days=800),
            "closes_on": today - datetime.timedelta(days=440),
        },
    )
    if not Assessment.objects.filter(organisation=cast.org_a, cycle=cycle).exists():
        assessment = start_in_past_cycle(cast, cycle)
        answer_all(assessment)
        cite_everywhere(assessment, cast.lead_a)
        submit(assessment, cast.lead_a)
        assessment.refresh_from_db()
        review_start(assessment=assessment, by=cast.assessor)
        score_all(assessment, cast.assessor)
    return {"code": cast.org_a.code, "cycle": cycle.slug}


REVIEW_RULES += [
    # A principle with a score: the review's own assessor gets 403; a second assessor (the site
    # admin holds the permission) moderates it. Fuzzed from this row.
    Rule(
        "review_moderate",
        "POST",
        signed_in(403, site_admin=REDIRECT),
        kwargs=lambda c: {**_rv_moderatable(c), "number": 1},
        data=lambda c: {"moderation": "agree", "reason": ""},
    ),
    # The moderation page: every assessor reads it (the review's own assessor without a form).
    Rule("review_moderate", "GET", REVIEW_GET, kwargs=lambda c: {**_rv_shared(c), "number": 1}),
    Rule("review_moderate", "GET", REVIEW_DRAFT, kwargs=lambda c: {**_sa(c), "number": 1}),
    # Moderation is a second assessor's: the assessor the review is assigned to (who started it)
    # gets 403; another with the permission (the site admin here) may post, but this assessment's
    # principle 1 cites evidence from too few categories, so under the sufficiency rule it has no
    # score to moderate: refused with a message (400), not a 403. A moderation that is saved is
    # tested in tests/assessments/test_review_moderation.py.
    Rule(
        "review_moderate",
        "POST",
        signed_in(403, site_admin=400),
        kwargs=lambda c: {**_rv_shared(c), "number": 1},
        data=lambda c: {"moderation": "agree", "reason": ""},
    ),
]
RULES += REVIEW_RULES

# ---------------------------------------------------------------------------------------------
# The audit trail (audit/urls.py). An organisation's activity is for its leads only: its other
# members get 403, and so do CQC staff who can see the organisation (assessors, and superusers,
# who hold their permission): the page is the organisation's own record, and site admins have
# the search. People of other organisations, outsiders and rubric admins get 404, as for any
# organisation they cannot see. The search and its export are for site admins only: 403 for
# everyone else signed in (assessors included).
AUDIT_RULES = [
    Rule(
        "organisation_activity",
        "GET",
        signed_in(404, lead_a=200, contributor_a=403, viewer_a=403, assessor=403, site_admin=403),
        kwargs=_org_a,
    ),
    Rule("audit_search", "GET", signed_in(403, site_admin=200)),
    Rule("audit_export", "GET", signed_in(403, site_admin=200)),
]
RULES += AUDIT_RULES

# ---------------------------------------------------------------------------------------------
# Surveys (voices/urls.py). An organisation's surveys are its members' working material: A's
# members read them (viewers too), only A's leads start, change, open, close and replace links
# (A's contributors and viewers get 403), and everyone else gets 404, CQC staff included (what
# CQC sees is what the organisation files as evidence). The answering pages are public: the same
# for everybody, signed in or not, found by the link's token alone.


def _survey(cast, title: str, *, opened: bool):
    from voices.models import Survey

    existing = Survey.objects.filter(organisation=cast.org_a, title=title).first()
    if existing:
        return existing
    from tests.voices.helpers import make_survey, open_survey

    return (open_survey if opened else make_survey)(cast, title=title)


def _survey_draft(cast) -> dict:
    return {"code": cast.org_a.code, "survey_id": _survey(cast, "Matrix draft", opened=False).pk}


def _survey_opened(cast) -> dict:
    return {"code": cast.org_a.code, "survey_id": _survey(cast, "Matrix open", opened=True).pk}


def _survey_with_text(cast) -> dict:
    """An open survey with one free-text answer waiting for review."""
    from tests.voices.helpers import add_responses

    survey = _survey(cast, "Matrix open", opened=True)
    if not survey.free_text.exists():
        add_responses(survey, [{}], free_text="It went well.")
    return {"code": cast.org_a.code, "survey_id": survey.pk}


def _survey_closed(cast) -> dict:
    """A closed survey with nothing left to review: ready to file."""
    from voices.services import survey_close

    survey = _survey(cast, "Matrix closed", opened=True)
    if survey.status == "open":
        survey = survey_close(survey=survey, by=cast.lead_a)
    return {"code": cast.org_a.code, "survey_id": survey.pk}


def _survey_token(cast) -> dict:
    return {"token": _survey(cast, "Matrix open", opened=True).token}


def _survey_edit_data(cast) -> dict:
    from tests.voices.helpers import survey_form_data

    return survey_form_data(_survey(cast, "Matrix draft", opened=False))


def _survey_answer_data(cast) -> dict:
    from voices import answering

    survey = _survey(cast, "Matrix open", opened=True)
    return {"state": answering.dump_state(survey, answering.new_state()), "go": "start"}


def _survey_submit_data(cast) -> dict:
    from tests.voices.helpers import complete_state

    return {"state": complete_state(_survey(cast, "Matrix open", opened=True))}


SURVEY_MEMBERS = signed_in(404, **ORG_A_MEMBERS)
SURVEY_LEAD_GET = signed_in(404, lead_a=200, contributor_a=403, viewer_a=403)
SURVEY_LEAD_POST = signed_in(404, lead_a=REDIRECT, contributor_a=403, viewer_a=403)

SURVEY_RULES: list[Rule] = [
    Rule("survey_list", "GET", SURVEY_MEMBERS, kwargs=_org_a),
    Rule("survey_new", "GET", SURVEY_LEAD_GET, kwargs=_org_a),
    Rule(
        "survey_new",
        "POST",
        SURVEY_LEAD_POST,
        kwargs=_org_a,
        data=lambda c: {"audience": "staff", "cycle": _survey_cycle(c)},
    ),
    Rule("survey_detail", "GET", SURVEY_MEMBERS, kwargs=_survey_draft),
    Rule("survey_detail", "GET", SURVEY_MEMBERS, kwargs=_survey_opened),
    Rule("survey_edit", "GET", SURVEY_LEAD_GET, kwargs=_survey_draft),
    Rule("survey_edit", "POST", SURVEY_LEAD_POST, kwargs=_survey_draft, data=_survey_edit_data),
    Rule("survey_preview", "GET", SURVEY_MEMBERS, kwargs=_survey_draft),
    Rule("survey_open", "POST", SURVEY_LEAD_POST, kwargs=_survey_draft),
    Rule("survey_close", "POST", SURVEY_LEAD_POST, kwargs=_survey_opened),
    Rule("survey_replace_link", "POST", SURVEY_LEAD_POST, kwargs=_survey_opened),
    Rule("survey_results", "GET", SURVEY_MEMBERS, kwargs=_survey_opened),
    Rule("survey_population", "GET", SURVEY_LEAD_GET, kwargs=_survey_opened),
    Rule(
        "survey_population",
        "POST",
        SURVEY_LEAD_POST,
        kwargs=_survey_opened,
        data=lambda c: {"eq_sex__female": "51", "eq_sex__male": "49"},
    ),
    Rule("survey_file", "POST", SURVEY_LEAD_POST, kwargs=_survey_closed),
    Rule("survey_export", "GET", SURVEY_MEMBERS, kwargs=lambda c: {**_survey_opened(c), "fmt": "csv"}),
    Rule("survey_export", "GET", SURVEY_MEMBERS, kwargs=lambda c: {**_survey_opened(c), "fmt": "xlsx"}),
    Rule("survey_free_text_export", "GET", SURVEY_LEAD_GET, kwargs=_survey_closed),
    Rule("survey_free_text", "GET", SURVEY_LEAD_GET, kwargs=_survey_with_text),
    Rule(
        "survey_free_text",
        "POST",
        SURVEY_LEAD_POST,
        kwargs=_survey_with_text,
        data=lambda c: {"review": "include", "redacted_text": ""},
    ),
    # The public pages: everybody alike.
    Rule("survey_start", "GET", public(200), kwargs=_survey_token),
    Rule("survey_start", "GET", public(404), kwargs=lambda c: {"token": "no-such-survey"}),
    Rule("survey_answer", "POST", public(200), kwargs=_survey_token, data=_survey_answer_data),
    Rule("survey_answer", "POST", public(404), kwargs=lambda c: {"token": "no-such-survey"}),
    Rule("survey_submit", "POST", public(303), kwargs=_survey_token, data=_survey_submit_data),
    Rule("survey_done", "GET", public(200), kwargs=_survey_token),
]
RULES += SURVEY_RULES


def _survey_cycle(cast) -> int:
    from tests.assessments.helpers import open_cycle

    return open_cycle().pk


# CQC's own surveys (voices/cqc_views.py): for CQC assessors (and superusers) only; everyone else
# signed in gets 403, as on the review pages. The organisation's page of CQC's survey about it is
# a 404 for everyone until CQC's outcome for that cycle is final; then A's members read it.


def _cqc_survey(cast, title: str, *, opened: bool):
    from voices.models import Survey

    existing = Survey.objects.filter(organisation=cast.org_a, title=title).first()
    if existing:
        return existing
    from tests.voices.helpers import make_cqc_survey, open_cqc_survey

    return (open_cqc_survey if opened else make_cqc_survey)(cast, title=title)


def _cqc_draft(cast) -> dict:
    return {"survey_id": _cqc_survey(cast, "Matrix CQC draft", opened=False).pk}


def _cqc_opened(cast) -> dict:
    return {"survey_id": _cqc_survey(cast, "Matrix CQC open", opened=True).pk}


def _cqc_with_text(cast) -> dict:
    from tests.voices.helpers import add_responses

    survey = _cqc_survey(cast, "Matrix CQC open", opened=True)
    if not survey.free_text.exists():
        add_responses(survey, [{}], free_text="They never listen.")
    return {"survey_id": survey.pk}


def _cqc_edit_data(cast) -> dict:
    from tests.voices.helpers import survey_form_data

    return survey_form_data(_cqc_survey(cast, "Matrix CQC draft", opened=False))


def _cqc_for_organisation(cast) -> dict:
    """CQC's open survey about A, as A's pages address it (A's outcome not final)."""
    return {"code": cast.org_a.code, **_cqc_opened(cast)}


def _cqc_after_outcome(cast) -> dict:
    """CQC's survey about A in the 2025/26 cycle, whose outcome CQC has finalised."""
    from assessments.models import Assessment
    from tests.assessments.helpers import earlier_cycle
    from tests.voices.helpers import finalise
    from voices import services as voice_services
    from voices.models import Survey

    kwargs = _sa_submitted(cast)
    assessment = Assessment.objects.get(organisation=cast.org_a, cycle__slug=kwargs["cycle"])
    if assessment.status == Assessment.Status.SUBMITTED:
        finalise(assessment, cast.assessor)
    survey = Survey.objects.filter(title="Matrix CQC final").first()
    if survey is None:
        survey = _cqc_survey(cast, "Matrix CQC final", opened=True)
        Survey.objects.filter(pk=survey.pk).update(cycle=earlier_cycle())
        voice_services.survey_close(survey=survey, by=cast.assessor)
    return {"code": cast.org_a.code, "survey_id": survey.pk}


def _open_cycle_slug() -> str:
    from tests.assessments.helpers import open_cycle

    return open_cycle().slug


CQC_SURVEY_GET = signed_in(403, assessor=200, site_admin=200)
CQC_SURVEY_POST = signed_in(403, assessor=REDIRECT, site_admin=REDIRECT)

CQC_SURVEY_RULES: list[Rule] = [
    Rule("cqc_survey_list", "GET", CQC_SURVEY_GET),
    Rule("cqc_survey_new", "GET", CQC_SURVEY_GET),
    Rule(
        "cqc_survey_new",
        "POST",
        CQC_SURVEY_POST,
        data=lambda c: {"organisation": c.org_a.code, "audience": "partners", "cycle": _open_cycle_slug()},
    ),
    Rule("cqc_survey_detail", "GET", CQC_SURVEY_GET, kwargs=_cqc_draft),
    Rule("cqc_survey_detail", "GET", CQC_SURVEY_GET, kwargs=_cqc_opened),
    # The organisation's own survey is not CQC's: a 404 for assessors, 403 for everyone else.
    Rule(
        "cqc_survey_detail",
        "GET",
        signed_in(403, assessor=404, site_admin=404),
        kwargs=lambda c: {"survey_id": _survey(c, "Matrix open", opened=True).pk},
    ),
    Rule("cqc_survey_edit", "GET", CQC_SURVEY_GET, kwargs=_cqc_draft),
    Rule("cqc_survey_edit", "POST", CQC_SURVEY_POST, kwargs=_cqc_draft, data=_cqc_edit_data),
    Rule("cqc_survey_preview", "GET", CQC_SURVEY_GET, kwargs=_cqc_draft),
    Rule("cqc_survey_open", "POST", CQC_SURVEY_POST, kwargs=_cqc_draft),
    Rule("cqc_survey_close", "POST", CQC_SURVEY_POST, kwargs=_cqc_opened),
    Rule("cqc_survey_replace_link", "POST", CQC_SURVEY_POST, kwargs=_cqc_opened),
    Rule("cqc_survey_results", "GET", CQC_SURVEY_GET, kwargs=_cqc_opened),
    Rule("cqc_survey_free_text", "GET", CQC_SURVEY_GET, kwargs=_cqc_with_text),
    Rule(
        "cqc_survey_free_text",
        "POST",
        CQC_SURVEY_POST,
        kwargs=_cqc_with_text,
        data=lambda c: {"review": "include", "redacted_text": ""},
    ),
    Rule("survey_cqc_results", "GET", signed_in(404), kwargs=_cqc_for_organisation),
    Rule("survey_cqc_results", "GET", SURVEY_MEMBERS, kwargs=_cqc_after_outcome),
    # Its public pages are the same as any survey's.
    Rule(
        "survey_start",
        "GET",
        public(200),
        kwargs=lambda c: {"token": _cqc_survey(c, "Matrix CQC open", opened=True).token},
    ),
]
RULES += CQC_SURVEY_RULES


def _lead_a_notification(kind: str):
    """A notification to lead_a about organisation A, of this kind."""

    def kwargs(cast) -> dict:
        from notifications.models import Notification

        notification, _ = Notification.objects.get_or_create(
            idempotency_key=f"matrix|{kind}|{cast.lead_a.pk}",
            defaults={
                "kind": kind,
                "recipient": cast.lead_a,
                "email": cast.lead_a.email,
                "organisation_id": cast.org_a.pk,
                "about": "Alderley",
                "about_key": f"organisation:{cast.org_a.pk}",
                "subject": "A notification",
                "body_text": "Hello",
                "status": Notification.Status.SENT,
            },
        )
        return {"notification_id": notification.pk}

    return kwargs


# Notifications (notifications/urls.py): everyone signed in chooses their own emails, and removes
# their own information-only notifications from their home page; anyone else's is a 404, and one
# that asks for something (a return) is refused with a 400 (it goes once done).
NOTIFICATION_RULES = [
    Rule("email_choices", "GET", signed_in(200)),
    Rule("email_choices", "POST", signed_in(REDIRECT), data=lambda c: {"wanted": ["assigned"]}),
    Rule(
        "notification_dismiss",
        "POST",
        signed_in(404, lead_a=REDIRECT),
        kwargs=_lead_a_notification("member_added"),
    ),
    Rule("notification_dismiss", "POST", signed_in(404, lead_a=400), kwargs=_lead_a_notification("returned")),
]
RULES += NOTIFICATION_RULES


# ---------------------------------------------------------------------------------------------
# Assessment cycles (cycles/urls.py): cycle managers (`assessments.manage_cycles`; superusers
# hold it) create, change and close; they and CQC assessors read cycles and national progress.
# Everyone else signed in gets 403. A form posted empty comes back with its errors (400).
def _matrix_cycle(cast) -> dict:
    import datetime

    from django.utils import timezone

    from assessments.models import AssessmentCycle

    today = timezone.localdate()
    cycle, _ = AssessmentCycle.objects.get_or_create(
        slug="matrix-cycle",
        defaults={
            "label": "Matrix",
            "opens_on": today - datetime.timedelta(days=1),
            "closes_on": today + datetime.timedelta(days=60),
        },
    )
    return {"cycle": cycle.slug}


def _cycle_dates_days(cycle, opens: int, closes: int) -> dict:
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    data = {}
    for prefix, days in (("opens_on", opens), ("closes_on", closes)):
        day = today + datetime.timedelta(days=days)
        data.update(
            {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}
        )
    return data


def _matrix_cycle_of_a(cast) -> dict:
    """A cycle asking organisation A alone, well after every other cycle the matrix and the
    fuzzer make (a cycle may not overlap another asking the same organisation): the one whose
    dates are changed and which is closed with good data, so that the people told of the new
    dates are A's alone."""
    import datetime

    from django.utils import timezone

    from assessments.models import AssessmentCycle

    today = timezone.localdate()
    cycle, _ = AssessmentCycle.objects.get_or_create(
        slug="matrix-cycle-a",
        defaults={
            "label": "Matrix A",
            "opens_on": today + datetime.timedelta(days=400),
            "closes_on": today + datetime.timedelta(days=460),
            "scope": AssessmentCycle.Scope.PICKED,
            "scope_organisation_ids": [cast.org_a.pk],
        },
    )
    return {"cycle": cycle.slug}


def _new_cycle(cast) -> dict:
    """A cycle asking organisation A alone, after every other."""
    from principles.models import RubricVersion

    return {
        "label": "2099/00",
        **_cycle_dates_days(None, 500, 560),
        "rubric_version": str(RubricVersion.objects.get(label="2026").pk),
        "scope": "picked",
        "scope_organisations": [str(cast.org_a.pk)],
        "reply_by_working_days": "10",
        "factual_accuracy_days": "14",
    }


CYCLE_READERS = signed_in(403, assessor=200, site_admin=200)
CYCLE_RULES = [
    # With good data (cycle managers' pages; the site admin, a superuser, holds the permission):
    # fuzzed from these (tests/fuzz/registry.py).
    Rule("cycle_create", "POST", signed_in(403, site_admin=REDIRECT), data=_new_cycle),
    Rule(
        "cycle_dates",
        "POST",
        signed_in(403, site_admin=REDIRECT),
        kwargs=_matrix_cycle_of_a,
        data=lambda c: _cycle_dates_days(None, 400, 470),
    ),
    Rule(
        "cycle_close",
        "POST",
        signed_in(403, site_admin=REDIRECT),
        kwargs=_matrix_cycle_of_a,
        data=lambda c: {"confirm": "on"},
    ),
    Rule("cycle_list", "GET", CYCLE_READERS),
    Rule("cycle_create", "GET", signed_in(403, site_admin=200)),
    Rule("cycle_create", "POST", signed_in(403, site_admin=400)),
    Rule("cycle_detail", "GET", CYCLE_READERS, kwargs=_matrix_cycle),
    Rule("cycle_dates", "GET", signed_in(403, site_admin=200), kwargs=_matrix_cycle),
    Rule("cycle_dates", "POST", signed_in(403, site_admin=400), kwargs=_matrix_cycle),
    Rule("cycle_close", "GET", signed_in(403, site_admin=200), kwargs=_matrix_cycle),
    Rule("cycle_close", "POST", signed_in(403, site_admin=400), kwargs=_matrix_cycle),
    Rule("cycle_progress", "GET", CYCLE_READERS, kwargs=_matrix_cycle),
    Rule("cycle_progress_csv", "GET", CYCLE_READERS, kwargs=_matrix_cycle),
    Rule("cycle_progress_xlsx", "GET", CYCLE_READERS, kwargs=_matrix_cycle),
]
RULES += CYCLE_RULES

# Namespaces whose URLs the completeness test accepts without a row each, and why.
COVERED_ELSEWHERE = {"admin": "Django's admin checks is_staff on every view; see test_admin_urls"}

# ---------------------------------------------------------------------------------------------
# The engagement activities register (activities/). The URL names the organisation the person
# works as: its members read its register (viewers too); its leads and contributors record,
# change, close and join its activities (viewers 403); its leads publish and withdraw (others of
# A 403). Everyone else, CQC staff included, gets 404: the register is the system's working
# record, not evidence sent to CQC. The rubric admins keep the lists of topics and communities.
# "You said, we did" is public.


def _activity(cast, title: str = "Matrix activity", **overrides):
    from activities.models import Activity
    from tests.activities.helpers import make

    existing = Activity.objects.filter(organisation=cast.org_a, title=title).first()
    return existing or make(cast.org_a, cast.lead_a, title=title, **overrides)


def _act(cast) -> dict:
    return {"code": cast.org_a.code, "activity_id": _activity(cast).pk}


def _closed_act(cast) -> dict:
    from activities import services

    activity = _activity(cast, "Closed matrix activity")
    if activity.status != "closed":
        services.activity_close(
            activity=activity,
            by=cast.lead_a,
            closing=services.Closing(
                what_changed="More evening clinics", participants_told=False, told_on=None
            ),
        )
    return {"code": cast.org_a.code, "activity_id": activity.pk}


def _published_act(cast) -> dict:
    from activities import services
    from activities.models import Activity

    kwargs = _closed_act(cast)
    activity = Activity.objects.get(pk=kwargs["activity_id"])
    services.activity_publish(
        activity=activity,
        by=cast.lead_a,
        words=services.PublicWords(asked="Asked", heard="Heard", changed="Did"),
    )
    return kwargs


def _org_b_act_under_a(cast) -> dict:
    from activities.models import Activity
    from tests.activities.helpers import make

    activity = Activity.objects.filter(organisation=cast.org_b).first() or make(cast.org_b, cast.lead_b)
    return {"code": cast.org_a.code, "activity_id": activity.pk}


def _other_act(cast) -> dict:
    return {"other": _activity(cast, "Another matrix activity").pk}


def _joined_act(cast) -> dict:
    from activities import services

    kwargs = _act(cast)
    services.activity_join(
        activity=_activity(cast), other=_activity(cast, "Another matrix activity"), by=cast.lead_a
    )
    return kwargs


def _activity_form(cast) -> dict:
    from tests.activities.helpers import form_data

    return form_data()


def _close_form(cast) -> dict:
    return {"what_changed": "Evening clinics", "participants_told": "no"}


def _term(cast) -> dict:
    from activities.models import Topic

    return {"kind": "topics", "term_id": Topic.objects.order_by("pk").first().pk}


def _import_file(cast) -> dict:
    from activities.spreadsheets import HEADER

    row = {h: "" for h in HEADER}
    row.update(
        {
            "Lead organisation code": cast.org_a.code,
            "Title": "Imported",
            "Question or purpose": "Why",
            "Topics": "Mental health",
            "Communities": "Unpaid carers",
            "Method": "Survey",
            "Level of influence": "Consult",
            "Planned start": "2027-01-01",
            "Planned end": "2027-01-31",
            "Status": "Planned",
            "Contact name": "Sam",
            "Contact email": "sam@example.org",
        }
    )
    lines = [",".join(HEADER), ",".join(row[h] for h in HEADER)]
    return {"file": SimpleUploadedFile("register.csv", ("\n".join(lines) + "\n").encode())}


def _import_batch(cast) -> dict:
    from activities import services
    from activities.models import RegisterImport
    from activities.spreadsheets import parse

    batch = RegisterImport.objects.filter(organisation=cast.org_a).first()
    if batch is None:
        content = _import_file(cast)["file"].read()
        parsed = parse("register.csv", content, cast.org_a)
        batch = services.register_import_prepare(
            organisation=cast.org_a, by=cast.lead_a, file_name="register.csv", rows=parsed.rows, data=content
        )
    return {"code": cast.org_a.code, "batch_id": batch.pk}


ACTIVITY_READ = signed_in(404, **ORG_A_MEMBERS)
ACTIVITY_WRITE_GET = signed_in(404, lead_a=200, contributor_a=200, viewer_a=403)
ACTIVITY_WRITE_POST = signed_in(404, lead_a=REDIRECT, contributor_a=REDIRECT, viewer_a=403)
ACTIVITY_LEAD_GET = signed_in(404, lead_a=200, contributor_a=403, viewer_a=403)
ACTIVITY_LEAD_POST = signed_in(404, lead_a=REDIRECT, contributor_a=403, viewer_a=403)

ACTIVITY_RULES = [
    Rule("activity_list", "GET", ACTIVITY_READ, kwargs=_org_a),
    Rule("activity_new", "GET", ACTIVITY_WRITE_GET, kwargs=_org_a),
    Rule("activity_new", "POST", ACTIVITY_WRITE_POST, kwargs=_org_a, data=_activity_form),
    Rule("activity_system_list", "GET", ACTIVITY_READ, kwargs=_org_a),
    Rule("activity_timeline", "GET", ACTIVITY_READ, kwargs=_org_a),
    Rule("activity_impact", "GET", ACTIVITY_READ, kwargs=_org_a),
    Rule("activity_file_evidence", "POST", ACTIVITY_WRITE_POST, kwargs=_org_a),
    Rule(
        "activity_register_export",
        "GET",
        ACTIVITY_READ,
        kwargs=lambda c: {"code": c.org_a.code, "fmt": "csv"},
    ),
    Rule(
        "activity_register_export",
        "GET",
        ACTIVITY_READ,
        kwargs=lambda c: {"code": c.org_a.code, "fmt": "xlsx"},
    ),
    Rule(
        "activity_register_export",
        "GET",
        signed_in(404),
        kwargs=lambda c: {"code": c.org_a.code, "fmt": "ods"},
    ),
    Rule("activity_import", "GET", ACTIVITY_WRITE_GET, kwargs=_org_a),
    Rule("activity_import", "POST", ACTIVITY_WRITE_POST, kwargs=_org_a, data=_import_file),
    # A checked import waits for its importer only: anyone else of A gets 404 (viewers 403).
    Rule("activity_import_preview", "GET", signed_in(404, lead_a=200, viewer_a=403), kwargs=_import_batch),
    Rule(
        "activity_import_preview", "POST", signed_in(404, lead_a=REDIRECT, viewer_a=403), kwargs=_import_batch
    ),
    Rule(
        "activity_system_export", "GET", ACTIVITY_READ, kwargs=lambda c: {"code": c.org_a.code, "fmt": "csv"}
    ),
    Rule(
        "activity_system_export", "GET", ACTIVITY_READ, kwargs=lambda c: {"code": c.org_a.code, "fmt": "xlsx"}
    ),
    Rule(
        "activity_system_export", "GET", signed_in(404), kwargs=lambda c: {"code": c.org_a.code, "fmt": "pdf"}
    ),
    Rule("activity_detail", "GET", ACTIVITY_READ, kwargs=_act),
    Rule("activity_detail", "GET", signed_in(404), kwargs=_org_b_act_under_a),
    Rule("activity_edit", "GET", ACTIVITY_WRITE_GET, kwargs=_act),
    Rule("activity_edit", "POST", ACTIVITY_WRITE_POST, kwargs=_act, data=_activity_form),
    Rule("activity_edit", "POST", signed_in(404), kwargs=_org_b_act_under_a, data=_activity_form),
    Rule("activity_close", "GET", ACTIVITY_WRITE_GET, kwargs=_act),
    Rule("activity_close", "POST", ACTIVITY_WRITE_POST, kwargs=_act, data=_close_form),
    Rule("activity_join", "POST", ACTIVITY_WRITE_POST, kwargs=_act, data=_other_act),
    Rule("activity_unjoin", "POST", ACTIVITY_WRITE_POST, kwargs=_joined_act, data=_other_act),
    Rule("activity_publish", "GET", ACTIVITY_LEAD_GET, kwargs=_closed_act),
    Rule(
        "activity_publish",
        "POST",
        ACTIVITY_LEAD_POST,
        kwargs=_closed_act,
        data=lambda c: {"asked": "What we asked", "heard": "What you said", "changed": "What we did"},
    ),
    Rule("activity_withdraw", "POST", ACTIVITY_LEAD_POST, kwargs=_published_act),
    Rule("activity_terms", "GET", RUBRIC_ADMIN_GET, kwargs=lambda c: {"kind": "topics"}),
    Rule("activity_terms", "GET", signed_in(404), kwargs=lambda c: {"kind": "nothing"}),
    Rule(
        "activity_terms",
        "POST",
        RUBRIC_ADMIN_POST,
        kwargs=lambda c: {"kind": "communities"},
        data=lambda c: {"name": "Armed forces veterans", "group": "other"},
    ),
    Rule("activity_term_retire", "POST", RUBRIC_ADMIN_POST, kwargs=_term, data=lambda c: {"retire": "yes"}),
    Rule("you_said_we_did", "GET", public(200), kwargs=lambda c: {"code": _published_act(c)["code"]}),
    Rule("you_said_we_did", "GET", public(404), kwargs=lambda c: {"code": "NOSUCHORG"}),
    Rule("you_said_we_did_feed", "GET", public(200), kwargs=lambda c: {"code": _published_act(c)["code"]}),
]
RULES += ACTIVITY_RULES

# ---------------------------------------------------------------------------------------------
# Improvement plans (improvement/). A's members read A's plan (viewers too); A's leads add and
# change actions and their status (contributors and viewers 403); A's leads and contributors
# write progress updates (viewers 403). Everyone else, CQC staff included, gets 404; so does
# another organisation's action under A's address, for A's people too.


def _imp_action(cast) -> dict:
    from improvement.models import Action
    from tests.improvement.helpers import add

    action = Action.objects.filter(organisation=cast.org_a).first() or add(cast)
    return {"code": cast.org_a.code, "action_id": action.pk}


def _imp_org_a(cast) -> dict:
    from tests.improvement.helpers import submitted_earlier

    submitted_earlier(cast)
    return _org_a(cast)


def _imp_org_b_action_under_a(cast) -> dict:
    from improvement import services
    from improvement.models import Action
    from tests.improvement.helpers import due, submitted_earlier

    action = Action.objects.filter(organisation=cast.org_b).first()
    if action is None:
        submitted_earlier(cast, organisation=cast.org_b, lead=cast.lead_b)
        action = services.action_add(
            organisation=cast.org_b,
            by=cast.lead_b,
            data=services.ActionData(
                criterion_codes=["1.1"], what="B's action", owner_id=cast.lead_b.pk, due_on=due()
            ),
        )
    return {"code": cast.org_a.code, "action_id": action.pk}


def _imp_suggestion(cast) -> dict:
    """CQC's first area for improvement in principle 7 of A's assessed 2025/26 outcome."""
    from tests.improvement.helpers import assessed_with_areas

    assessment = assessed_with_areas(cast)
    return {"code": cast.org_a.code, "cycle": assessment.cycle.slug, "principle": 7, "position": 1}


def _imp_form(cast) -> dict:
    from tests.improvement.helpers import form

    return form(cast)


IMP_READ = signed_in(404, **ORG_A_MEMBERS)
IMP_LEAD_GET = signed_in(404, lead_a=200, contributor_a=403, viewer_a=403)
IMP_LEAD_POST = signed_in(404, lead_a=REDIRECT, contributor_a=403, viewer_a=403)
IMP_UPDATE_GET = signed_in(404, lead_a=200, contributor_a=200, viewer_a=403)
IMP_UPDATE_POST = signed_in(404, lead_a=REDIRECT, contributor_a=REDIRECT, viewer_a=403)
IMP_NONE_OF_A = signed_in(404, contributor_a=403, viewer_a=403)

IMPROVEMENT_RULES = [
    Rule("improvement_plan", "GET", IMP_READ, kwargs=_imp_org_a),
    Rule("improvement_action_add", "GET", IMP_LEAD_GET, kwargs=_imp_org_a),
    Rule("improvement_action_add", "POST", IMP_LEAD_POST, kwargs=_imp_org_a, data=_imp_form),
    Rule("improvement_action_change", "GET", IMP_LEAD_GET, kwargs=_imp_action),
    Rule("improvement_action_change", "POST", IMP_LEAD_POST, kwargs=_imp_action, data=_imp_form),
    Rule("improvement_action_change", "GET", IMP_NONE_OF_A, kwargs=_imp_org_b_action_under_a),
    Rule("improvement_action_progress", "GET", IMP_UPDATE_GET, kwargs=_imp_action),
    Rule(
        "improvement_action_progress",
        "POST",
        IMP_UPDATE_POST,
        kwargs=_imp_action,
        data=lambda c: {"body": "First event held", "status": "in_progress"},
    ),
    Rule(
        "improvement_action_progress",
        "POST",
        signed_in(404, viewer_a=403),
        kwargs=_imp_org_b_action_under_a,
        data=lambda c: {"body": "Not ours", "status": "done"},
    ),
    Rule("improvement_action_status", "GET", IMP_LEAD_GET, kwargs=_imp_action),
    Rule(
        "improvement_action_status",
        "POST",
        IMP_LEAD_POST,
        kwargs=_imp_action,
        data=lambda c: {"status": "dropped", "reason": "A partner now runs it"},
    ),
    Rule("improvement_action_status", "GET", IMP_NONE_OF_A, kwargs=_imp_org_b_action_under_a),
    Rule("improvement_suggestion_accept", "GET", IMP_LEAD_GET, kwargs=_imp_suggestion),
    Rule(
        "improvement_suggestion_accept",
        "POST",
        IMP_LEAD_POST,
        kwargs=_imp_suggestion,
        data=lambda c: _imp_form(c) | {"what": "Evaluate engagement against its aims"},
    ),
    Rule("improvement_suggestion_decline", "GET", IMP_LEAD_GET, kwargs=_imp_suggestion),
    Rule(
        "improvement_suggestion_decline",
        "POST",
        IMP_LEAD_POST,
        kwargs=_imp_suggestion,
        data=lambda c: {"reason": "Our partners' charter already says so"},
    ),
    # An area CQC never named: a 404 for A's lead too.
    Rule(
        "improvement_suggestion_decline",
        "GET",
        IMP_NONE_OF_A,
        kwargs=lambda c: {**_imp_suggestion(c), "position": 9},
    ),
]
RULES += IMPROVEMENT_RULES


# ---------------------------------------------------------------------------------------------
# People: invitations and removing members (issue 14). A's lead (and site admins, who invite an
# organisation's first lead) invite and remove; A's other people and CQC assessors get 403; other
# organisations' people 404. The invitation link is for anyone; site admins' pages for them only.

INVITE_GET = signed_in(404, lead_a=200, contributor_a=403, viewer_a=403, assessor=403, site_admin=200)
INVITE_POST = {**INVITE_GET, "lead_a": REDIRECT, "site_admin": REDIRECT}
SITE_ADMIN_GET = signed_in(403, site_admin=200)
SITE_ADMIN_POST = signed_in(403, site_admin=REDIRECT)


def _invitation(cast, *, organisation=None, role: str = "contributor"):
    """A new open invitation, last sent a day ago (so it may be sent again), and its link's token.
    Each call invites a new address (a row's kwargs may be asked for more than once)."""
    email = f"invitee{Invitation.objects.count() + 1}@example.org"
    tokens: list[str] = []
    by = cast.lead_a if organisation is not None else cast.site_admin
    [invitation] = people_services.invitations_create(
        organisation=organisation,
        emails_to_invite=[email],
        role=role,
        by=by,
        link_for=lambda token: tokens.append(token) or token,
    )
    type(invitation).objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=1)
    )
    return invitation, tokens[0]


def _org_a_invitation(cast) -> dict:
    invitation, _ = _invitation(cast, organisation=cast.org_a)
    return {"code": cast.org_a.code, "invitation_id": invitation.pk}


def _staff_invitation(cast) -> dict:
    invitation, _ = _invitation(cast, role="assessor")
    return {"invitation_id": invitation.pk}


def _invitation_token(cast) -> dict:
    _, token = _invitation(cast, organisation=cast.org_a)
    return {"token": token}


def _new_account(cast) -> dict:
    return {
        "first_name": "Priya",
        "last_name": "Shah",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
    }


PEOPLE_RULES = [
    Rule("invite", "GET", INVITE_GET, kwargs=_org_a),
    Rule(
        "invite",
        "POST",
        INVITE_POST,
        kwargs=_org_a,
        data=lambda c: {"emails": "new.person@example.org", "role": "contributor"},
    ),
    Rule("membership_remove", "GET", INVITE_GET, kwargs=_viewer_a_membership),
    Rule("membership_remove", "POST", INVITE_POST, kwargs=_viewer_a_membership),
    Rule("invitation_resend", "POST", INVITE_POST, kwargs=_org_a_invitation),
    Rule("invitation_cancel", "POST", INVITE_POST, kwargs=_org_a_invitation),
    # The link: anyone may open it. Someone signed in whose address is not the invited one is
    # refused (400) when they try to join; an anonymous person makes an account and joins.
    Rule("invitation_accept", "GET", public(200), kwargs=_invitation_token),
    Rule(
        "invitation_accept",
        "POST",
        statuses(400, anonymous=REDIRECT),
        kwargs=_invitation_token,
        data=_new_account,
    ),
    Rule("invitation_accept", "GET", public(404), kwargs=lambda c: {"token": "not-a-real-token"}),
    Rule("people", "GET", SITE_ADMIN_GET),
    Rule("staff_invite", "GET", SITE_ADMIN_GET),
    Rule(
        "staff_invite",
        "POST",
        SITE_ADMIN_POST,
        data=lambda c: {"emails": "another.assessor@example.org", "role": "assessor"},
    ),
    Rule("staff_invitation_resend", "POST", SITE_ADMIN_POST, kwargs=_staff_invitation),
    Rule("staff_invitation_cancel", "POST", SITE_ADMIN_POST, kwargs=_staff_invitation),
]
RULES += PEOPLE_RULES


# The system boundary: organisation B (a local authority) sees the shared part of activities of
# the organisations of its systems, under its own code; in two systems, both; in none, none. It
# may read them (200), never change them (403).


def _systems(cast, *, b_with_a: bool, b_with_c: bool):
    from organisations.models import Organisation, System
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    org_c = Organisation.objects.filter(code="QC9").first() or OrganisationFactory(
        name="Cranmore ICS", code="QC9"
    )
    if not System.objects.exists():
        a = System.objects.create(ics=cast.org_a)
        c = System.objects.create(ics=org_c)
        if b_with_a:
            a.local_authorities.add(cast.org_b)
        if b_with_c:
            c.local_authorities.add(cast.org_b)
        MembershipFactory(user=UserFactory(username="lead_c"), organisation=org_c, role="lead")
    return org_c


def _a_act_under_b(cast) -> dict:
    _systems(cast, b_with_a=True, b_with_c=True)
    return {"code": cast.org_b.code, "activity_id": _activity(cast).pk}


def _c_act_under_b(cast) -> dict:
    from activities.models import Activity
    from tests.activities.helpers import make

    org_c = _systems(cast, b_with_a=True, b_with_c=True)
    activity = Activity.objects.filter(organisation=org_c).first() or make(
        org_c, org_c.memberships.get().user, title="Cranmore activity"
    )
    return {"code": cast.org_b.code, "activity_id": activity.pk}


def _a_act_under_b_in_no_system(cast) -> dict:
    _systems(cast, b_with_a=False, b_with_c=False)
    return {"code": cast.org_b.code, "activity_id": _activity(cast).pk}


SYSTEM_PARTNER_READ = signed_in(404, lead_b=200, contributor_b=200, viewer_b=200)
SYSTEM_PARTNER_WRITE = signed_in(404, lead_b=403, contributor_b=403, viewer_b=403)

RULES += [
    Rule("activity_detail", "GET", SYSTEM_PARTNER_READ, kwargs=_a_act_under_b),
    Rule("activity_detail", "GET", SYSTEM_PARTNER_READ, kwargs=_c_act_under_b),
    Rule("activity_detail", "GET", signed_in(404), kwargs=_a_act_under_b_in_no_system),
    Rule("activity_edit", "GET", SYSTEM_PARTNER_WRITE, kwargs=_a_act_under_b),
    Rule("activity_close", "GET", SYSTEM_PARTNER_WRITE, kwargs=_a_act_under_b),
    Rule("activity_publish", "GET", SYSTEM_PARTNER_WRITE, kwargs=_a_act_under_b),
]
