from django.contrib import admin
from django.urls import include, path

from engagement_portal import views

admin.site.site_header = "Engagement self-assessment: site administration"
admin.site.site_title = "Site administration"

urlpatterns = [
    path("", include("home.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # Answering a survey: the portal's busiest anonymous pages, found first.
    path("s/", include("voices.public_urls")),
    path("", include("accounts.urls")),
    path("", include("organisations.urls")),
    path("", include("assessments.urls")),
    path("organisations/<str:code>/evidence/", include("evidence.urls")),
    path("rubric/", include("principles.urls")),
    path("review/", include("reviews.urls")),
    path("organisations/<str:code>/assessments/<slug:cycle>/", include("reviews.org_urls")),
    path("", include("audit.urls")),
    path("organisations/<str:code>/activities/", include("activities.urls")),
    path("activities/", include("activities.list_urls")),
    path("you-said-we-did/", include("activities.public_urls")),
    path("organisations/<str:code>/improvement/", include("improvement.urls")),
    path("", include("voices.urls")),
    path("", include("notifications.urls")),
    path("cycles/", include("cycles.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "engagement_portal.views.server_error"
