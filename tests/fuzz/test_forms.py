"""Hypothesis drives every form (issue 8, item 4).

For every POST endpoint (tests/fuzz/registry.py), as a person of organisation A with the role
the endpoint needs: the form's own fields filled with plausible values, junk (empty, huge,
unicode, control characters, NUL bytes, negative and huge numbers) and the ids of organisation
B's objects. A snapshot of the database before and after each post says what it wrote:

- refused (anything but a redirect): nothing changed;
- accepted (a redirect): every row added, changed or deleted belongs to organisation A, through
  every foreign key it has, and none to B; rows belonging to no organisation only where the
  endpoint is about them (the rubric, for rubric admins; the poster's own account);
- never a server error.

Each example runs in a transaction rolled back afterwards, so every post starts from the same
database. The fuzz runs on SQLite and on PostgreSQL (DATABASE_URL), which refuse different
things: PostgreSQL cannot store a NUL byte in text at all.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from tests.fuzz import snapshot
from tests.fuzz.forms import Field, post_forms
from tests.fuzz.registry import NOT_FUZZED, Target, post_url_names, targets
from tests.fuzz.strategies import UploadSpec, form_data

pytestmark = pytest.mark.django_db

EXAMPLES = 12
CYCLE_ENDPOINTS = {"cycle_create", "cycle_dates", "cycle_close"}


def _org_b_objects(cast) -> None:
    """Organisation B's own things, whose ids the fuzzer offers A's forms."""
    from tests.assessments.helpers import cite, evidence_file, start

    assessment = start(cast, organisation=cast.org_b, lead=cast.lead_b)
    file = evidence_file(cast.org_b, cast.lead_b, title="B's minutes")
    cite(assessment, "1.1", file, cast.lead_b, location="B's page 7")


def _valid_data(cast, target: Target) -> dict[str, object]:
    data = {}
    for name, value in target.rule.data(cast).items():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
            value = UploadSpec(value.name, value.read())
        data[name] = value
    return data


def _materialise(data: dict[str, object]) -> dict[str, object]:
    return {
        name: SimpleUploadedFile(value.name, value.content) if isinstance(value, UploadSpec) else value
        for name, value in data.items()
    }


def _page_fields(client, url: str) -> dict[str, Field]:
    response = client.get(url)
    fields: dict[str, Field] = {}
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        for form in post_forms(response.content.decode(), url):
            fields.update(form.fields)
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def _neutral_change_allowed(change: snapshot.Change, target: Target, poster, *snapshots) -> bool:
    """A row that belongs to no organisation may change only where the endpoint is about it:
    the rubric and the activities' lists of topics and communities, for rubric admins; the
    poster's own account and what hangs off it (their authenticator app and recovery codes).
    A rubric version's survey questions (voices.questionset, voices.question) are the rubric's."""
    if change.label.startswith("principles.") or change.label in {"voices.questionset", "voices.question"}:
        return target.person in {"rubric_admin", "site_admin"}
    if change.label in {"activities.topic", "activities.community"}:
        return target.person in {"rubric_admin", "site_admin"}
    if change.label == "organisations.invitation":
        # An invitation of CQC staff belongs to no organisation: site admins make them.
        return target.person == "site_admin"
    if change.label in {"assessments.assessmentcycle", "assessments.cyclechange"}:
        # Cycles are national: cycle managers (the site admin holds the permission) make them.
        return target.person == "site_admin" and target.rule.url_name in CYCLE_ENDPOINTS
    if change.label == "auth.user":
        if target.rule.url_name == "invitation_accept" and change.kind == "added":
            return True  # the account the invitation makes (its membership must be A's)
        return (poster is not None and change.pk == poster.pk) or change.fields == ("last_login",)
    row = next((s[change.label][change.pk] for s in snapshots if change.pk in s.get(change.label, {})), {})
    return poster is not None and row.get("user_id") == poster.pk


def _post_and_check(client, cast, target: Target, url: str, poster, data: dict[str, object]) -> int:
    with transaction.atomic():
        before = snapshot.take()
        response = client.post(url, _materialise(data))
        after = snapshot.take()
        changes = snapshot.diff(before, after)
        transaction.set_rollback(True)
    shown = {k: (v if not isinstance(v, str) or len(v) < 80 else v[:80] + "…") for k, v in data.items()}
    assert response.status_code < 500, f"{target.id}: {response.status_code} for {shown}"
    if response.status_code != 302:
        assert not changes, f"{target.id}: refused ({response.status_code}) but wrote {changes} for {shown}"
        return response.status_code
    for change in changes:
        organisations = snapshot.owners(change.label, change.pk, after, before)
        if organisations:
            assert organisations == {cast.org_a.pk}, (
                f"{target.id}: {change} reaches organisations {organisations} "
                f"(A is {cast.org_a.pk}, B is {cast.org_b.pk}) for {shown}"
            )
        elif change.label == "notifications.notification":
            # An email queued by the change (a receipt, a note to CQC): it names the organisation
            # it is about by id, which must be A's.
            row = after[change.label].get(change.pk) or before[change.label][change.pk]
            assert row["organisation_id"] == cast.org_a.pk, (
                f"{target.id}: {change} is about {row} for {shown}"
            )
        else:
            assert _neutral_change_allowed(change, target, poster, after, before), (
                f"{target.id}: {change} for {shown}"
            )
    return response.status_code


@pytest.mark.parametrize("target", targets(), ids=lambda t: t.id)
def test_a_fuzzed_form_writes_nothing_or_only_its_organisations_rows(client, cast, target: Target):
    _org_b_objects(cast)
    url = reverse(target.rule.url_name, kwargs=target.rule.kwargs(cast))
    poster = None if target.person == "anonymous" else cast.person(target.person)
    if poster is not None:
        client.force_login(poster)
    valid = _valid_data(cast, target)
    fields = _page_fields(client, url)
    b_rows = snapshot.owned_by(snapshot.take(), cast.org_b.pk)
    b_ids = sorted({str(pk) for pks in b_rows.values() for pk in pks}, key=lambda s: (len(s), s))
    assert b_ids, "organisation B has nothing to offer the fuzzer"
    other_ids = [*b_ids[:40], cast.org_b.code, str(cast.org_b.pk)]

    # The matrix's own data, as it is: the baseline every fuzzed variation is measured against.
    status = _post_and_check(client, cast, target, url, poster, valid)
    assert status == target.rule.expected[target.person], f"{target.id}: the valid data got {status}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=form_data(fields, valid, other_ids))
    def fuzz(data):
        _post_and_check(client, cast, target, url, poster, data)

    fuzz()


def test_every_post_endpoint_is_fuzzed_or_excused():
    """The permission matrix lists every POST endpoint (and refuses unlisted methods with 405):
    each is fuzzed as someone allowed to use it, or excused with a reason."""
    fuzzed = {target.rule.url_name for target in targets()}
    missing = post_url_names() - fuzzed - set(NOT_FUZZED)
    assert not missing, (
        f"fuzz these in tests/fuzz/registry.py, or excuse them in NOT_FUZZED: {sorted(missing)}"
    )
    assert all(reason.strip() for reason in NOT_FUZZED.values())
    stale = {name for name in NOT_FUZZED if not name.endswith(":*")} - post_url_names()
    assert not stale, f"NOT_FUZZED names endpoints that take no POST: {sorted(stale)}"


def test_the_snapshot_sees_a_row_of_organisation_b_written_by_a_form(client, cast):
    """The check itself can fail: a change to B's membership is seen and traced to B."""
    from organisations.models import Membership

    before = snapshot.take()
    Membership.objects.filter(user=cast.viewer_b).update(role=Membership.Role.CONTRIBUTOR)
    after = snapshot.take()
    (change,) = snapshot.diff(before, after)
    assert change.kind == "changed" and change.fields == ("role",)
    assert snapshot.owners(change.label, change.pk, after) == {cast.org_b.pk}


def test_the_snapshot_ignores_only_models_that_exist():
    from django.apps import apps

    labels = {model._meta.label_lower for model in apps.get_models(include_auto_created=True)}
    assert labels >= snapshot.IGNORED, snapshot.IGNORED - labels
