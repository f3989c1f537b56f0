"""Citing a document from its evidence item page: "Cite this in the 2026/27 self-assessment".

The item page (evidence/, a floor below) asks `evidence.citing` for offers; this module registers
`cite_offers` there when the app starts (apps.py). The offer leads to a page choosing the
criterion, which hands over to the usual citation page (`citation_add`) with the document chosen,
where the person says where in it to look and what it shows.
"""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size
from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from assessments.access import get_assessment_for_editor
from assessments.models import Assessment
from engagement_portal.lib.forms import select, submit_button
from evidence.citing import CiteOffer
from evidence.models import Citation, EvidenceFile, EvidenceItem
from principles import cache as rubric_cache


def cite_offers(organisation, item: EvidenceItem, file: EvidenceFile) -> list[CiteOffer]:
    """One offer for each of the organisation's self-assessments that can still change."""
    assessments = (
        Assessment.objects.filter(organisation=organisation, status__in=Assessment.EDITABLE)
        .select_related("cycle")
        .order_by("-cycle__opens_on")
    )
    return [
        CiteOffer(
            text=f"Cite this in the {assessment.cycle.label} self-assessment",
            url=reverse(
                "evidence_cite_criterion",
                kwargs={"code": organisation.code, "cycle": assessment.cycle.slug, "item_id": item.pk},
            ),
        )
        for assessment in assessments
    ]


class CriterionChoiceForm(forms.Form):
    criterion = forms.ChoiceField(
        label="Which criterion does it support?",
        error_messages={
            "required": "Choose the criterion this evidence supports",
            "invalid_choice": "Choose a criterion from the list",
        },
    )

    def __init__(self, *args, choices: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", "Choose a criterion"), *choices]
        self.fields[
            "criterion"
        ].help_text = (
            "Next, you will say where in the document to look and what it shows about the criterion."
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            select("criterion", Size.MEDIUM, css_class="govuk-!-width-full"),
            submit_button("Continue"),
        )


def _criterion_choices(assessment: Assessment, item: EvidenceItem) -> list:
    """The criteria under their principles, as <optgroup>s; those already citing the document
    say so."""
    wording = rubric_cache.wording(assessment.rubric_version)
    cited = set(
        Citation.objects.filter(response__assessment=assessment, file__item=item).values_list(
            "response__criterion__code", flat=True
        )
    )
    groups = []
    for principle in wording.principles:
        options = [
            (c.code, f"{c.code} {c.text}" + (" (already cites it)" if c.code in cited else ""))
            for c in wording.criteria
            if c.principle_id == principle.pk
        ]
        groups.append((f"Principle {principle.number}: {principle.title}", options))
    return groups


@require_http_methods(["GET", "POST"])
def evidence_cite_criterion(request: HttpRequest, code: str, cycle: str, item_id: int) -> HttpResponse:
    """Choose the criterion a document from the library supports, then cite it there."""
    access = get_assessment_for_editor(request.user, code, cycle)
    assessment = access.assessment
    item = EvidenceItem.objects.filter(
        organisation=assessment.organisation, deleted_at__isnull=True, pk=item_id
    ).first()
    if item is None:
        raise Http404("No such evidence in this organisation's library")
    file = item.files.filter(scan_status=EvidenceFile.ScanStatus.CLEAN).order_by("-revision").first()
    editable = assessment.is_editable
    form = CriterionChoiceForm(
        request.POST if request.method == "POST" else None, choices=_criterion_choices(assessment, item)
    )
    if request.method == "POST" and editable and file is not None and form.is_valid():
        url = reverse(
            "citation_add",
            kwargs={
                "code": code,
                "cycle": assessment.cycle.slug,
                "criterion": form.cleaned_data["criterion"],
            },
        )
        return redirect(f"{url}?{urlencode({'file': file.pk})}")
    return render(
        request,
        "assessments/evidence_cite_criterion.html",
        {"assessment": assessment, "item": item, "file": file, "form": form, "editable": editable},
        status=409 if request.method == "POST" and (not editable or file is None) else 200,
    )
