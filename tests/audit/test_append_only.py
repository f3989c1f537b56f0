"""The audit trail can be added to and never changed: in the model layer and in the database."""

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEvent, AuditTrailIsAppendOnly
from audit.services import record

pytestmark = pytest.mark.django_db


def test_record_fills_in_the_actor_and_the_object(cast):
    org = cast.org_a
    event = record("evidence.upload", "Uploaded minutes.pdf", actor=cast.lead_a, organisation=org, obj=org)
    event.refresh_from_db()
    assert event.actor_id == cast.lead_a.pk
    assert event.actor_username == cast.lead_a.username
    assert event.organisation_id == org.pk
    assert (event.object_type, event.object_id) == ("organisations.Organisation", str(org.pk))
    assert event.actor_is_staff is False


def test_record_refuses_an_unknown_action():
    with pytest.raises(ValueError, match="unknown audit action"):
        record("evidence.eaten", "the dog ate it")


def test_the_model_refuses_changes_and_deletion():
    event = record("auth.sign_in_failed", "Failed sign-in for nobody")
    event.summary = "nothing happened"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(summary="x")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.summary == "Failed sign-in for nobody"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET summary = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_sql_that_would_change_an_event(sql):
    event = record("auth.sign_in_failed", "Failed sign-in for nobody")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "Failed sign-in for nobody"


def test_the_database_still_takes_new_events():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (action, at, actor_username, actor_is_staff, object_type, "
            "object_id, summary, path, detail) VALUES ('auth.sign_in', CURRENT_TIMESTAMP, '', %s, '', '', "
            "'raw insert', '', '{}')",
            [False],
        )
    assert AuditEvent.objects.filter(summary="raw insert").exists()
