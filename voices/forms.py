"""Forms for running a survey, laid out with the GOV.UK template pack."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from assessments.models import AssessmentCycle
from evidence.forms import clean_date_parts, evidence_date_field, submit_button
from organisations.models import Organisation
from voices.choices import MONITORING
from voices.models import FREE_TEXT_MAX, Audience, FreeTextAnswer, Question, Survey
from voices.services import SurveyDetails

TITLE_MAX = Survey._meta.get_field("title").max_length
INTRODUCTION_MAX = 5000


class SurveyStartForm(forms.Form):
    audience = forms.ChoiceField(
        label="Who is the survey for?",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who the survey is for",
            "invalid_choice": "Select who the survey is for",
        },
    )
    cycle = forms.ModelChoiceField(
        label="Assessment cycle",
        queryset=AssessmentCycle.objects.order_by("-opens_on"),
        empty_label=None,
        help_text="The self-assessment the results will be evidence for.",
        error_messages={"required": "Select the cycle", "invalid_choice": "Select a cycle from the list"},
    )

    def __init__(self, *args, audience_hints: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.radios("audience", legend_size=Size.MEDIUM),
            Field.select("cycle"),
            submit_button("Continue"),
        )


class CqcSurveyStartForm(forms.Form):
    """CQC's survey: which organisation, which cycle, and whom it asks (its partners, or the
    people who took part in its engagement)."""

    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.exclude(type=Organisation.Type.PARTNER).order_by("name"),
        empty_label="Choose an organisation",
        help_text="The integrated care system or local authority the survey is about.",
        error_messages={
            "required": "Select the organisation the survey is about",
            "invalid_choice": "Select an organisation from the list",
        },
    )
    audience = forms.ChoiceField(
        label="Who is the survey for?",
        choices=[(a, label) for a, label in Audience.choices if a != Audience.STAFF],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who the survey is for",
            "invalid_choice": "Select who the survey is for",
        },
    )
    cycle = forms.ModelChoiceField(
        label="Assessment cycle",
        queryset=AssessmentCycle.objects.order_by("-opens_on"),
        empty_label=None,
        help_text="The self-assessment whose review the results inform.",
        error_messages={"required": "Select the cycle", "invalid_choice": "Select a cycle from the list"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].to_field_name = "code"
        self.fields["cycle"].to_field_name = "slug"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.select("organisation"),
            Field.radios("audience", legend_size=Size.MEDIUM),
            Field.select("cycle"),
            submit_button("Continue"),
        )


def _date(label: str, help_text: str) -> forms.Field:
    field = evidence_date_field(label, help_text, required=True)
    field.error_messages["required"] = f"Enter the {label.lower()}"
    clean_date_parts(field)
    return field


class SurveyForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        help_text="People see this at the top of every page of the survey.",
        error_messages={
            "required": "Enter a title",
            "max_length": f"The title must be {TITLE_MAX} characters or fewer",
        },
    )
    introduction = forms.CharField(
        label="Introduction",
        max_length=INTRODUCTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the survey is for, what will happen to the answers, and how long it takes.",
        error_messages={
            "required": "Enter an introduction",
            "max_length": f"The introduction must be {INTRODUCTION_MAX:,} characters or fewer",
        },
    )
    easy_read_introduction = forms.CharField(
        label="Easy Read introduction (optional)",
        required=False,
        max_length=INTRODUCTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Short sentences and everyday words. People can choose to read this instead.",
        error_messages={
            "max_length": f"The Easy Read introduction must be {INTRODUCTION_MAX:,} characters or fewer"
        },
    )
    equality_monitoring = forms.ChoiceField(
        label="Ask the equality-monitoring questions?",
        help_text="Age, sex, ethnic group, disability and caring, as the 2021 census asked, each optional "
        "with “Prefer not to say”. They let you compare who answered with who is affected (principle 5).",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to ask the equality-monitoring questions"},
    )
    questions = forms.MultipleChoiceField(
        label="Questions",
        help_text="Every question of the set is chosen at first. Untick any you do not want to ask.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one question",
            "invalid_choice": "Choose questions from the list",
        },
    )

    def __init__(self, *args, questions: list[Question], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.question_objects = {str(q.pk): q for q in questions}
        self.fields["questions"].choices = [
            (
                str(q.pk),
                f"{q.code}: {q.text}" + (f" (criteria {', '.join(q.criteria)})" if q.criteria else ""),
            )
            for q in questions
        ]
        self.fields["opens_on"] = _date("Opening date", "For example, 1 12 2026")
        self.fields["closes_on"] = _date(
            "Closing date", "The last day people can answer. For example, 31 1 2027"
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("title"),
            Field.textarea("introduction"),
            Field.textarea("easy_read_introduction"),
            Field("opens_on", fieldset=True, legend_size=Size.SMALL),
            Field("closes_on", fieldset=True, legend_size=Size.SMALL),
            Field.checkboxes("questions", legend_size=Size.MEDIUM, small=True),
            Field.radios("equality_monitoring", legend_size=Size.MEDIUM, inline=True),
            submit_button("Save survey"),
        )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean(self) -> dict:
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing date must be the same as or after the opening date")
        return data

    @staticmethod
    def initial_for(survey: Survey) -> dict:
        return {
            "title": survey.title,
            "introduction": survey.introduction,
            "easy_read_introduction": survey.easy_read_introduction,
            "opens_on": survey.opens_on,
            "closes_on": survey.closes_on,
            "equality_monitoring": "yes" if survey.equality_monitoring else "no",
            "questions": [str(pk) for pk in survey.survey_questions.values_list("question_id", flat=True)],
        }

    def details(self) -> SurveyDetails:
        data = self.cleaned_data
        return SurveyDetails(
            title=data["title"],
            introduction=data["introduction"].strip(),
            easy_read_introduction=data["easy_read_introduction"].strip(),
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            equality_monitoring=data["equality_monitoring"] == "yes",
        )

    def chosen_questions(self) -> list[Question]:
        return [self.question_objects[pk] for pk in self.cleaned_data["questions"]]


def default_dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today, today + datetime.timedelta(days=28)


class PopulationForm(forms.Form):
    """The affected population's share in each equality group, in per cent, each optional."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[str, str, list[str]]] = []
        for m in MONITORING:
            names = []
            for value, words in m.options:
                if value == "prefer_not":
                    continue
                name = f"{m.key}__{value}"
                self.fields[name] = forms.CharField(
                    label=words,
                    required=False,
                    max_length=6,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
                    error_messages={"max_length": f"Enter the share of {words} as a number, like 12.5"},
                )
                names.append(name)
            self.groups.append((m.key, m.label, names))

    def clean(self) -> dict:
        data = super().clean()
        for _key, label, names in self.groups:
            total = Decimal(0)
            for name in names:
                raw = (data.get(name) or "").strip().rstrip("%").strip()
                if not raw:
                    data[name] = None
                    continue
                try:
                    value = Decimal(raw)
                except InvalidOperation:
                    self.add_error(name, f"Enter {self.fields[name].label} as a percentage, like 12.5")
                    continue
                if not value.is_finite() or value < 0 or value > 100:
                    self.add_error(name, f"{self.fields[name].label} must be between 0 and 100")
                    continue
                data[name] = value.quantize(Decimal("0.1"))
                total += data[name]
            if total > Decimal("100.5"):
                self.add_error(names[0], f"The {label.lower()} shares add up to more than 100%")
        return data

    def shares(self) -> dict[tuple[str, str], Decimal | None]:
        return {tuple(name.split("__", 1)): value for name, value in self.cleaned_data.items()}


class FreeTextReviewForm(forms.Form):
    review = forms.ChoiceField(
        label="Include this answer in the results?",
        choices=[
            (FreeTextAnswer.Review.INCLUDE, "Include it as it is"),
            (FreeTextAnswer.Review.REDACT, "Include it with personal details removed"),
            (FreeTextAnswer.Review.EXCLUDE, "Leave it out"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to include the answer"},
    )
    redacted_text = forms.CharField(
        label="The answer with personal details removed",
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Replace names and anything else that could identify someone with [removed].",
        error_messages={"max_length": f"The answer must be {FREE_TEXT_MAX:,} characters or fewer"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("review", legend_size=Size.MEDIUM),
            Field.textarea("redacted_text"),
            submit_button("Save and read the next answer"),
        )

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("review") == FreeTextAnswer.Review.REDACT
            and not (data.get("redacted_text") or "").strip()
        ):
            self.add_error("redacted_text", "Enter the answer with personal details removed")
        return data
