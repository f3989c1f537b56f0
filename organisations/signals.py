"""Signals about organisations' people, sent after the change has committed.

Other apps (such as notifications, on a floor above) listen to these instead of organisations
importing them: organisations never imports an app above it.

- `invitation_created(sender=Invitation, invitation, link)`: an invitation was made or sent again;
  `link` is the one-time address (the only place the token is ever seen after it is made).
- `member_added(sender=Membership, membership, invitation)`: someone joined an organisation (or,
  for CQC staff invitations, `membership` is None and `invitation.role` says which group).
- `member_removed(sender=Membership, organisation, user, by, membership_id)`: a lead removed
  someone (`membership_id` is the removed membership's, for telling them once).
- `account_exists(sender=Invitation, invitation, link, reset_link)`: someone holding an
  invitation link asked for a new account for an address that already has one. The page said
  nothing of it (links never reveal whether an address has an account); the address is told,
  with the invitation `link` (one-time) and the password reset page's `reset_link`.

notifications/membership.py listens to all four and emails the people concerned.
"""

from __future__ import annotations

from django.dispatch import Signal

invitation_created = Signal()
member_added = Signal()
member_removed = Signal()
account_exists = Signal()
