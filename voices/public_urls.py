"""The public pages where people answer a survey, under s/: no sign-in (each view is
@login_not_required), found by the link's token. Included near the top of the portal's URLs,
so the pages respondents post most are found without trying every other pattern first."""

from django.urls import path

from voices import respond_views

urlpatterns = [
    path("<str:token>/", respond_views.survey_start, name="survey_start"),
    path("<str:token>/answer/", respond_views.survey_answer, name="survey_answer"),
    path("<str:token>/send/", respond_views.survey_submit, name="survey_submit"),
    path("<str:token>/thank-you/", respond_views.survey_done, name="survey_done"),
]
