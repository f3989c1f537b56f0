from django.urls import path

from organisations import invitation_views, views

urlpatterns = [
    # Site admins: people across the portal, and CQC staff invitations.
    path("people/", invitation_views.people, name="people"),
    path("people/invite-staff/", invitation_views.staff_invite, name="staff_invite"),
    path(
        "people/invitations/<int:invitation_id>/resend/",
        invitation_views.staff_invitation_resend,
        name="staff_invitation_resend",
    ),
    path(
        "people/invitations/<int:invitation_id>/cancel/",
        invitation_views.staff_invitation_cancel,
        name="staff_invitation_cancel",
    ),
    # The link in an invitation email (anyone may open it).
    path("invitations/<str:token>/", invitation_views.invitation_accept, name="invitation_accept"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<str:code>/people/<int:membership_id>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path("organisations/<str:code>/people/invite/", invitation_views.invite, name="invite"),
    path(
        "organisations/<str:code>/people/<int:membership_id>/remove/",
        invitation_views.membership_remove,
        name="membership_remove",
    ),
    path(
        "organisations/<str:code>/invitations/<int:invitation_id>/resend/",
        invitation_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "organisations/<str:code>/invitations/<int:invitation_id>/cancel/",
        invitation_views.invitation_cancel,
        name="invitation_cancel",
    ),
]
