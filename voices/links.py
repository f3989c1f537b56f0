"""The links of a survey's pages. An organisation's survey lives under
/organisations/<code>/surveys/, CQC's under /cqc-surveys/; the pages are the same templates, which
read their links from here rather than naming URLs, and show nothing whose link is None (CQC's
surveys are never filed in the organisation's evidence library, and have no population profile
or exports of their own)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from voices.models import Survey


@dataclass(frozen=True)
class SurveyLinks:
    list: str
    detail: str
    edit: str
    preview: str
    open: str
    close: str
    replace_link: str
    results: str
    free_text: str
    public: str
    population: str | None = None
    file: str | None = None
    export_csv: str | None = None
    export_xlsx: str | None = None
    free_text_export: str | None = None


def links_for(survey: Survey) -> SurveyLinks:
    if survey.is_cqc:
        kw = {"survey_id": survey.pk}
        return SurveyLinks(
            list=reverse("cqc_survey_list"),
            detail=reverse("cqc_survey_detail", kwargs=kw),
            edit=reverse("cqc_survey_edit", kwargs=kw),
            preview=reverse("cqc_survey_preview", kwargs=kw),
            open=reverse("cqc_survey_open", kwargs=kw),
            close=reverse("cqc_survey_close", kwargs=kw),
            replace_link=reverse("cqc_survey_replace_link", kwargs=kw),
            results=reverse("cqc_survey_results", kwargs=kw),
            free_text=reverse("cqc_survey_free_text", kwargs=kw),
            public=reverse("survey_start", kwargs={"token": survey.token}),
        )
    kw = {"code": survey.organisation.code, "survey_id": survey.pk}
    return SurveyLinks(
        list=reverse("survey_list", kwargs={"code": survey.organisation.code}),
        detail=reverse("survey_detail", kwargs=kw),
        edit=reverse("survey_edit", kwargs=kw),
        preview=reverse("survey_preview", kwargs=kw),
        open=reverse("survey_open", kwargs=kw),
        close=reverse("survey_close", kwargs=kw),
        replace_link=reverse("survey_replace_link", kwargs=kw),
        results=reverse("survey_results", kwargs=kw),
        free_text=reverse("survey_free_text", kwargs=kw),
        public=reverse("survey_start", kwargs={"token": survey.token}),
        population=reverse("survey_population", kwargs=kw),
        file=reverse("survey_file", kwargs=kw),
        export_csv=reverse("survey_export", kwargs={**kw, "fmt": "csv"}),
        export_xlsx=reverse("survey_export", kwargs={**kw, "fmt": "xlsx"}),
        free_text_export=reverse("survey_free_text_export", kwargs=kw),
    )


# CQC's survey as the organisation sees it once the outcome is final: its results alone, with no
# link to any page of CQC's (the templates show nothing whose link is empty).
_PAGES = ("list", "detail", "edit", "preview", "open", "close", "replace_link", "results")
_PAGES += ("free_text", "public")
NO_LINKS = SurveyLinks(**dict.fromkeys(_PAGES, ""))
