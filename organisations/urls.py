from django.urls import path

from organisations import views

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<str:code>/people/<int:membership_id>/role/",
        views.membership_role,
        name="membership_role",
    ),
]
