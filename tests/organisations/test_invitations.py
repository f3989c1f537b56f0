"""Invitations (issue 14.2): a lead invites people by email, the invitee joins from the link,
leads resend, cancel and remove; site admins invite first leads and CQC staff."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import Notification
from organisations import services, signals
from organisations.models import Invitation, Membership, Organisation, System
from organisations.roles import is_assessor
from tests.clients import PortalClient
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/invitations/[^/\s]+/)")


def invite_url(code: str = "QA1") -> str:
    return reverse("invite", kwargs={"code": code})


def send(client, cast, emails: str, role: str = "contributor", *, capture, **extra):
    client.force_login(cast.lead_a)
    with capture(execute=True):
        return client.post(invite_url(), {"emails": emails, "role": role, **extra})


def links() -> list[str]:
    return [LINK.search(message.body).group(1) for message in mail.outbox]


def test_a_lead_invites_several_people_at_once(client, cast, django_capture_on_commit_callbacks):
    response = send(
        client, cast, "ada@example.org,\n Ben@Example.org", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302 and response["Location"].endswith("#invitations")
    invitations = Invitation.objects.order_by("email")
    assert [(i.email, i.role, i.organisation) for i in invitations] == [
        ("ada@example.org", "contributor", cast.org_a),
        ("ben@example.org", "contributor", cast.org_a),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "ben@example.org"]
    message = mail.outbox[0]
    assert "Alderley Integrated Care System" in message.subject
    assert "as a contributor" in message.body
    # Only a hash of the token is kept: the link's token is nowhere in the database.
    token = links()[0].split("/")[2]
    assert not Invitation.objects.filter(token_sha256=token).exists()
    assert not Notification.objects.filter(secret__contains=token).exists()
    assert not Notification.objects.filter(body_text__contains=token).exists()
    assert Invitation.objects.filter(token_sha256=services.token_sha256(token)).exists()
    # In the audit trail, and on the organisation's activity page.
    assert AuditEvent.objects.filter(action="invitation.sent", organisation_id=cast.org_a.pk).count() == 2
    activity = client.get(reverse("organisation_activity", kwargs={"code": "QA1"})).content.decode()
    assert "Invited ada@example.org as contributor" in activity
    # The lead sees them waiting, with resend and cancel.
    page = client.get(reverse("organisation_detail", kwargs={"code": "QA1"})).content.decode()
    assert "Invitations not yet accepted" in page and "ben@example.org" in page


@pytest.mark.parametrize(
    ("emails", "message"),
    [
        ("ada@example.org, not-an-address", "Not an address: not-an-address"),
        ("", "Enter at least one email address"),
        (" , ;", "Enter at least one email address"),
        ("lead_a@example.org", "Already a member of Alderley Integrated Care System: lead_a@example.org"),
        (", ".join(f"p{n}@example.org" for n in range(21)), "Enter at most 20 email addresses at once"),
    ],
)
def test_bad_addresses_change_nothing(client, cast, emails, message, django_capture_on_commit_callbacks):
    response = send(client, cast, emails, capture=django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert emails.split(",")[0].strip() in page  # nothing typed is lost
    assert not Invitation.objects.exists() and mail.outbox == []


def test_an_address_already_invited_is_refused(client, cast, django_capture_on_commit_callbacks):
    send(client, cast, "ada@example.org", capture=django_capture_on_commit_callbacks)
    again = send(client, cast, "ada@example.org, ben@example.org", capture=django_capture_on_commit_callbacks)
    assert "Already invited (send the invitation again instead): ada@example.org" in again.content.decode()
    assert Invitation.objects.count() == 1  # ben was not invited either: all or nothing


def test_a_role_the_inviter_may_not_grant_is_refused(client, cast, django_capture_on_commit_callbacks):
    response = send(
        client, cast, "ada@example.org", role="assessor", capture=django_capture_on_commit_callbacks
    )
    assert "Select a role from the list" in response.content.decode()
    assert not Invitation.objects.exists()
    with pytest.raises(services.InvitationError):
        services.invitations_create(
            organisation=None,
            emails_to_invite=["x@example.org"],
            role="assessor",
            by=cast.lead_a,
            link_for=str,
        )


def test_only_leads_invite_and_remove(client, cast):
    for person in (cast.contributor_a, cast.viewer_a):
        client.force_login(person)
        assert client.post(invite_url(), {"emails": "x@example.org", "role": "viewer"}).status_code == 403
        lead = Membership.objects.get(user=cast.lead_a)
        remove = reverse("membership_remove", kwargs={"code": "QA1", "membership_id": lead.pk})
        assert client.post(remove).status_code == 403
    client.force_login(cast.lead_b)
    assert client.get(invite_url()).status_code == 404
    assert not Invitation.objects.exists() and Membership.objects.filter(user=cast.lead_a).exists()


def _invite(cast, email="ada@example.org", role="contributor", **kwargs) -> tuple[Invitation, str]:
    tokens = []
    [invitation] = services.invitations_create(
        organisation=kwargs.pop("organisation", cast.org_a),
        emails_to_invite=[email],
        role=role,
        by=kwargs.pop("by", cast.lead_a),
        link_for=lambda token: tokens.append(token) or f"/invitations/{token}/",
        **kwargs,
    )
    return invitation, f"/invitations/{tokens[0]}/"


def test_an_invitee_without_an_account_makes_one_and_lands_on_the_organisation(cast):
    invitation, link = _invite(cast)
    browser = PortalClient()
    page = browser.get(link).content.decode()
    assert "Join Alderley Integrated Care System" in page and "ada@example.org" in page
    assert "If you already have an account" in page  # said to everyone: never whether one exists
    response = browser.post(
        link,
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "password1": "engines of analysis",
            "password2": "engines of analysis",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/organisations/QA1/"
    ada = get_user_model().objects.get(email="ada@example.org")
    assert ada.get_full_name() == "Ada Lovelace" and ada.check_password("engines of analysis")
    assert Membership.objects.get(user=ada, organisation=cast.org_a).role == "contributor"
    assert browser.get("/organisations/QA1/").status_code == 200  # signed in
    invitation.refresh_from_db()
    assert invitation.accepted_by == ada and invitation.status == "accepted"
    assert AuditEvent.objects.filter(action="invitation.accepted", organisation_id=cast.org_a.pk).exists()
    # The link works once.
    used = PortalClient().get(link)
    assert used.status_code == 410 and "already been used" in used.content.decode()


def test_a_weak_or_mismatched_password_keeps_what_was_typed(cast):
    _, link = _invite(cast)
    browser = PortalClient()
    short = browser.post(
        link, {"first_name": "Ada", "last_name": "Lovelace", "password1": "short", "password2": "short"}
    )
    page = short.content.decode()
    assert short.status_code == 400 and "There is a problem" in page and 'value="Lovelace"' in page
    mismatch = browser.post(
        link,
        {
            "first_name": "Ada",
            "last_name": "L",
            "password1": "engines of analysis",
            "password2": "engines of analysys",
        },
    )
    assert "The two passwords do not match" in mismatch.content.decode()
    assert not get_user_model().objects.filter(email="ada@example.org").exists()


def test_someone_with_an_account_joins_with_one_click(client, cast):
    _, link = _invite(cast, email=cast.lead_b.email, role="viewer")
    client.force_login(cast.lead_b)
    page = client.get(link).content.decode()
    assert "Join Alderley Integrated Care System" in page and 'id="join"' in page
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.get(user=cast.lead_b, organisation=cast.org_a).role == "viewer"


def test_a_link_for_another_address_is_refused_to_a_signed_in_person(client, cast):
    invitation, link = _invite(cast)
    client.force_login(cast.lead_b)
    assert "whose email address is not the one" in client.get(link).content.decode()
    assert client.post(link).status_code == 400
    invitation.refresh_from_db()
    assert invitation.status == "pending"


NEW_ACCOUNT = {
    "first_name": "X",
    "last_name": "Y",
    "password1": "engines of analysis",
    "password2": "engines of analysis",
}


def _page_words(html: str, *tokens_and_addresses: str) -> str:
    """A page's text with what differs by invitation (token, address, CSRF) taken out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    for value in tokens_and_addresses:
        html = html.replace(value, "<x>")
    return re.sub(r"\s+", " ", html)


def test_a_link_never_reveals_whether_its_address_has_an_account(cast, django_capture_on_commit_callbacks):
    """Issue 14: whoever holds an invitation link learns nothing from the pages about whether
    its address has an account. Asking for a new account for an address that has one makes
    nothing and answers with a redirect, as a new address's account does, to a page that says
    only that an email went to the address; the email, which only the address's owner reads,
    says there is an account and how to join with it."""
    existing = cast.lead_b  # has an account
    has_one, has_one_link = _invite(cast, email=existing.email)
    has_none, has_none_link = _invite(cast, email="newcomer@example.org")

    # The link's page is the same for both, word for word.
    first = PortalClient().get(has_one_link)
    second = PortalClient().get(has_none_link)
    assert first.status_code == second.status_code == 200
    assert _page_words(first.content.decode(), has_one_link, existing.email) == _page_words(
        second.content.decode(), has_none_link, "newcomer@example.org"
    )

    # Asking for a new account: a redirect either way, and no word about an account existing.
    mail.outbox.clear()
    browser = PortalClient()
    with django_capture_on_commit_callbacks(execute=True):
        refused = browser.post(has_one_link, NEW_ACCOUNT)
    made = PortalClient().post(has_none_link, NEW_ACCOUNT)
    assert refused.status_code == made.status_code == 302
    assert refused["Location"] == has_one_link + "?emailed=1"
    emailed = browser.get(refused["Location"])
    assert emailed.status_code == 200
    page = emailed.content.decode()
    assert "Check your email" in page and existing.email in page
    for disclosure in (
        "already have an account",
        "already has an account",
        "account exists",
        "existing account",
    ):
        assert disclosure not in page.lower() and disclosure not in refused.content.decode().lower()
    # The same page for an address with no account, for anyone who asks.
    _, other_link = _invite(cast, email="someone.else@example.org")
    assert _page_words(
        PortalClient().get(other_link + "?emailed=1").content.decode(), other_link, "someone.else@example.org"
    ) == _page_words(page, has_one_link, existing.email)

    # Nothing was made or changed for the account that exists; the invitation still works.
    assert get_user_model().objects.filter(email=existing.email).count() == 1
    existing.refresh_from_db()
    assert not existing.check_password("engines of analysis") and existing.first_name != "X"
    assert not Membership.objects.filter(user=existing, organisation=cast.org_a).exists()
    has_one.refresh_from_db()
    assert has_one.status == "pending"
    assert "_auth_user_id" not in browser.session
    # Only the address's owner is told, by email, how to join with their account.
    [told] = mail.outbox
    assert told.to == [existing.email]
    assert "There is already an account with this email address" in told.body
    assert has_one_link in told.body and reverse("password_reset") in told.body
    # Signed in, they join with one click.
    browser.force_login(existing)
    assert browser.post(has_one_link).status_code == 302
    assert Membership.objects.filter(user=existing, organisation=cast.org_a).exists()
    assert has_none.email == "newcomer@example.org"


def test_tampered_expired_and_cancelled_links(cast):
    invitation, link = _invite(cast)
    browser = PortalClient()
    tampered = browser.get(link[:-3] + "xy/")
    assert tampered.status_code == 404 and "This invitation link is not valid" in tampered.content.decode()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    expired = browser.get(link)
    assert expired.status_code == 410 and "This invitation has expired" in expired.content.decode()
    assert browser.post(link, {"first_name": "A", "last_name": "B"}).status_code == 410
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    services.invitation_cancel(invitation=invitation, by=cast.lead_a)
    cancelled = browser.get(link)
    assert cancelled.status_code == 410 and "This invitation was cancelled" in cancelled.content.decode()
    assert not get_user_model().objects.filter(email="ada@example.org").exists()


def test_sending_again_makes_a_new_link_and_the_old_one_stops(
    client, cast, django_capture_on_commit_callbacks
):
    invitation, old_link = _invite(cast)
    client.force_login(cast.lead_a)
    resend = reverse("invitation_resend", kwargs={"code": "QA1", "invitation_id": invitation.pk})
    # Too soon after the last send.
    client.post(resend)
    assert "Wait a little" in client.get("/organisations/QA1/").content.decode()
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(resend).status_code == 302
    [new_link] = links()
    assert new_link != old_link
    assert PortalClient().get(old_link).status_code == 404
    assert PortalClient().get(new_link).status_code == 200
    assert AuditEvent.objects.filter(action="invitation.resent").exists()


def test_a_lead_cancels_an_invitation(client, cast):
    invitation, _ = _invite(cast)
    client.force_login(cast.lead_a)
    cancel = reverse("invitation_cancel", kwargs={"code": "QA1", "invitation_id": invitation.pk})
    assert client.post(cancel).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "cancelled"
    assert AuditEvent.objects.filter(action="invitation.cancelled", organisation_id=cast.org_a.pk).exists()
    # Another organisation's lead cannot reach it.
    client.force_login(cast.lead_b)
    assert (
        client.post(
            reverse("invitation_cancel", kwargs={"code": "E99900001", "invitation_id": invitation.pk})
        ).status_code
        == 404
    )


def test_invitations_are_throttled_per_person_and_per_organisation(
    client, cast, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "INVITATIONS_PER_PERSON_PER_DAY", 3)
    monkeypatch.setattr(services, "INVITATIONS_PER_ORGANISATION_PER_DAY", 4)
    send(client, cast, "a@example.org, b@example.org", capture=django_capture_on_commit_callbacks)
    refused = send(client, cast, "c@example.org, d@example.org", capture=django_capture_on_commit_callbacks)
    assert "You can send at most 3 invitations in 24 hours" in refused.content.decode()
    assert Invitation.objects.count() == 2
    second_lead = UserFactory()
    Membership.objects.create(user=second_lead, organisation=cast.org_a, role="lead")
    client.force_login(second_lead)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            invite_url(), {"emails": "e@example.org, f@example.org, g@example.org", "role": "viewer"}
        )
    assert "can send at most 4 invitations in 24 hours" in refused.content.decode()
    assert Invitation.objects.count() == 2


def test_a_lead_removes_a_member_who_is_signed_out_at_once(client, cast):
    membership = Membership.objects.get(user=cast.contributor_a)
    client.force_login(cast.lead_a)
    remove = reverse("membership_remove", kwargs={"code": "QA1", "membership_id": membership.pk})
    assert "Remove" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership.removed", organisation_id=cast.org_a.pk).exists()


def test_the_last_lead_cannot_be_removed(client, cast):
    lead = Membership.objects.get(user=cast.lead_a)
    client.force_login(cast.lead_a)
    response = client.post(reverse("membership_remove", kwargs={"code": "QA1", "membership_id": lead.pk}))
    assert response.status_code == 400 and "only lead" in response.content.decode()
    assert Membership.objects.filter(pk=lead.pk).exists()


def test_removal_ends_the_removed_persons_sessions(cast, django_capture_on_commit_callbacks):
    member = PortalClient()
    member.force_login(cast.contributor_a)
    key = member.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_remove(membership=Membership.objects.get(user=cast.contributor_a), by=cast.lead_a)
    assert not Session.objects.filter(session_key=key).exists()


def test_signals_tell_other_apps(cast, django_capture_on_commit_callbacks):
    heard = []
    for signal in (signals.invitation_created, signals.member_added, signals.member_removed):
        signal.connect(
            lambda sender, signal=signal, **kw: heard.append((signal, kw)),
            weak=False,
            dispatch_uid=str(id(signal)),
        )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            invitation, link = _invite(cast)
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_accept_as(invitation=invitation, user=UserFactory(email="ada@example.org"))
        with django_capture_on_commit_callbacks(execute=True):
            services.membership_remove(
                membership=Membership.objects.get(user__email="ada@example.org"), by=cast.lead_a
            )
    finally:
        for signal in (signals.invitation_created, signals.member_added, signals.member_removed):
            signal.disconnect(dispatch_uid=str(id(signal)))
    kinds = [signal for signal, _ in heard]
    assert kinds == [signals.invitation_created, signals.member_added, signals.member_removed]
    assert heard[0][1]["link"] == link and heard[1][1]["membership"].organisation == cast.org_a


def test_a_partner_contributor_is_invited_for_their_partner(client, cast, django_capture_on_commit_callbacks):
    healthwatch = OrganisationFactory(name="Healthwatch Alderley", code="HWA", type=Organisation.Type.PARTNER)
    System.objects.create(ics=cast.org_a).partners.add(healthwatch)
    client.force_login(cast.lead_a)
    assert "Healthwatch Alderley" in client.get(invite_url()).content.decode()
    response = send(
        client,
        cast,
        "priya@example.org",
        capture=django_capture_on_commit_callbacks,
        partner=str(healthwatch.pk),
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.partner == healthwatch and "for Healthwatch Alderley" in mail.outbox[0].body
    services.invitation_accept_new(
        invitation=invitation, first_name="Priya", last_name="Shah", password="x" * 12
    )
    assert Membership.objects.get(user__email="priya@example.org").partner == healthwatch
    # A partner's person is never invited as a lead.
    lead = send(
        client,
        cast,
        "raj@example.org",
        role="lead",
        capture=django_capture_on_commit_callbacks,
        partner=str(healthwatch.pk),
    )
    assert "not a lead" in lead.content.decode()


def test_site_admins_invite_a_first_lead_and_cqc_staff(client, cast, django_capture_on_commit_callbacks):
    leaderless = OrganisationFactory(name="Fallow ICS", code="QF1")
    client.force_login(cast.site_admin)
    people = client.get(reverse("people")).content.decode()
    assert "Fallow ICS" in people and reverse("invite", kwargs={"code": "QF1"}) in people
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(invite_url("QF1"), {"emails": "first.lead@example.org", "role": "lead"}).status_code
            == 302
        )
        assert (
            client.post(
                reverse("staff_invite"), {"emails": "new.assessor@example.org", "role": "assessor"}
            ).status_code
            == 302
        )
    assert Invitation.objects.get(email="first.lead@example.org").organisation == leaderless
    staff = Invitation.objects.get(email="new.assessor@example.org")
    assert staff.organisation is None and staff.role == "assessor"
    # The new assessor makes an account, and must set up the second factor before anything else.
    link = next(
        link for link, m in zip(links(), mail.outbox, strict=True) if m.to == ["new.assessor@example.org"]
    )
    browser = PortalClient()
    browser.post(
        link,
        {
            "first_name": "New",
            "last_name": "Assessor",
            "password1": "a long passphrase",
            "password2": "a long passphrase",
        },
    )
    assessor = get_user_model().objects.get(email="new.assessor@example.org")
    assert is_assessor(assessor)
    assert browser.get("/review/")["Location"].startswith(reverse("two_factor_setup"))
    # Only site admins reach these pages.
    client.force_login(cast.lead_a)
    assert client.get(reverse("people")).status_code == 403
    assert (
        client.post(reverse("staff_invite"), {"emails": "x@example.org", "role": "assessor"}).status_code
        == 403
    )
