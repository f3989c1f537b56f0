"""Forms for running a survey, laid out with the GOV.UK template pack."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from assessments.models import AssessmentCycle
from evidence.forms import clean_date_parts, evidence_date_field, submit_button
from organisations.models import Organisation
from voices.choices import MONITORING
from voices.models import FREE_TEXT_MAX, OPTION_MAX, Audience, FreeTextAnswer, Question, Survey
from voices.services import QuestionWording, SurveyDetails

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


# ---------------------------------------------------------------------------------------------
# A survey question in a rubric draft (rubric admins)

QUESTION_KINDS = [(value, label) for value, label in Question.Kind.choices]
CODE_PATTERN = r"^[A-Z]{2}[0-9]{2,3}$"


class QuestionForm(forms.Form):
    code = forms.RegexField(
        label="Code",
        regex=CODE_PATTERN,
        max_length=Question._meta.get_field("code").max_length,
        help_text="Two capital letters and a number, such as PE14. How results, exports and the redline "
        "name the question.",
        error_messages={
            "required": "Enter a code",
            "invalid": "Enter a code of two capital letters and a number, such as PE14",
            "max_length": "Enter a code of two capital letters and a number, such as PE14",
        },
    )
    text = forms.CharField(
        label="Question",
        max_length=Question._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the question",
            "max_length": "The question must be 500 characters or fewer",
        },
    )
    hint = forms.CharField(
        label="Hint (optional)",
        required=False,
        max_length=Question._meta.get_field("hint").max_length,
        error_messages={"max_length": "The hint must be 500 characters or fewer"},
    )
    kind = forms.ChoiceField(
        label="Kind of answer",
        choices=QUESTION_KINDS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of answer",
            "invalid_choice": "Select the kind of answer",
        },
    )
    options = forms.CharField(
        label="Choices (for “choose one” and “choose any” only)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"One on each line, at least 2, each {OPTION_MAX} characters or fewer.",
    )
    criteria = forms.CharField(
        label="Criteria it informs (optional)",
        required=False,
        max_length=200,
        help_text="Criterion codes of this draft, separated by commas, such as 2.4, 6.1.",
        error_messages={"max_length": "Enter at most 200 characters of criterion codes"},
    )
    category = forms.ChoiceField(
        label="Evidence category",
        error_messages={
            "required": "Select the evidence category",
            "invalid_choice": "Select an evidence category from the list",
        },
    )
    required = forms.ChoiceField(
        label="Must people answer it?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether people must answer it"},
    )

    def __init__(
        self,
        *args,
        criteria_codes: list[str],
        categories: list[tuple[str, str]],
        taken_codes: set[str],
        button: str,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria_codes = criteria_codes
        self.taken_codes = taken_codes
        self.fields["category"].choices = categories
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("code", field_width=Fluid.ONE_QUARTER),
            Field.textarea("text"),
            Field.text("hint"),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.textarea("options"),
            Field.text("criteria", field_width=Fluid.ONE_HALF),
            Field.select("category"),
            Field.radios("required", legend_size=Size.SMALL, inline=True),
            submit_button(button),
        )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if code in self.taken_codes:
            raise forms.ValidationError(f"{code} is already a question in this set: choose another code")
        return code

    def clean_text(self) -> str:
        return " ".join(self.cleaned_data["text"].split())

    def clean_criteria(self) -> list[str]:
        codes = [
            code.strip()
            for code in self.cleaned_data["criteria"].replace(";", ",").split(",")
            if code.strip()
        ]
        unknown = [code for code in codes if code not in self.criteria_codes]
        if unknown:
            raise forms.ValidationError(
                f"{', '.join(unknown)} {'is not a criterion' if len(unknown) == 1 else 'are not criteria'} "
                "of this draft"
            )
        return list(dict.fromkeys(codes))

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        lines = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
        if kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}:
            if len(lines) < 2:
                self.add_error("options", "Enter at least 2 choices, one on each line")
            elif any(len(line) > OPTION_MAX for line in lines):
                self.add_error("options", f"Each choice must be {OPTION_MAX} characters or fewer")
            elif len(set(lines)) < len(lines):
                self.add_error("options", "Each choice must be different")
        elif kind and lines:
            self.add_error(
                "options", "Only “choose one” and “choose any” questions have choices: remove them"
            )
        data["options_list"] = lines if kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE} else []
        return data

    @staticmethod
    def initial_for(question: Question) -> dict:
        return {
            "code": question.code,
            "text": question.text,
            "hint": question.hint,
            "kind": question.kind,
            "options": "\n".join(str(option) for option in question.options),
            "criteria": ", ".join(question.criteria),
            "category": question.category,
            "required": "yes" if question.required else "no",
        }

    def wording(self) -> QuestionWording:
        data = self.cleaned_data
        return QuestionWording(
            code=data["code"],
            text=data["text"],
            hint=data["hint"].strip(),
            kind=data["kind"],
            options=data["options_list"],
            criteria=data["criteria"],
            category=data["category"],
            required=data["required"] == "yes",
        )
