"""Forms of the self-assessment, in the GOV.UK template pack."""

from __future__ import annotations

import hashlib

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fluid, Layout, Size
from django import forms

from engagement_portal.lib.forms import submit_button
from principles.models import LevelDescriptor

# ---------------------------------------------------------------------------------------------
# Self-assessment


NOT_EVIDENCED = "not_evidenced"
NARRATIVE_MAX_LENGTH = 10_000


class ResponseForm(forms.Form):
    """One criterion's answer: a level (or "not evidenced") and the narrative behind it.

    Rendered inside the page's own <form> (form_tag off), because the page adds the evidence
    cited and several buttons around it. `version` is the answer's version when the page was
    opened: the save is refused if someone else saved in between."""

    score = forms.ChoiceField(
        label="How well does your system meet this criterion?",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a level from 1 to 4, or not evidenced"},
    )
    narrative = forms.CharField(
        label="Your evidence and reasoning",
        help_text="Explain what your system does and how the evidence you cite shows it. CQC reads this "
        "beside your evidence.",
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={"max_length": "Your evidence and reasoning must be 10,000 characters or fewer"},
    )
    # Not an IntegerField: a hidden field's own errors would not reach the error summary.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, levels: dict[int, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.levels = levels
        names = dict(LevelDescriptor.Level.choices)
        choices = [
            Choice(
                str(level),
                f"{level} – {names[level]}",
                hint=levels.get(level, ""),
                divider="or" if level == 4 else "",
            )
            for level in (1, 2, 3, 4)
        ]
        choices.append(
            Choice(
                NOT_EVIDENCED,
                "Not evidenced",
                hint="There is not enough evidence to score this criterion. "
                "It is left out of the principle's score.",
            )
        )
        self.fields["score"].choices = choices
        self.fields["score"].help_text = (
            "Choose the level whose description best matches your system. You can save without choosing "
            "and come back to it; every criterion needs an answer before you submit."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("score", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea(
                "narrative",
                label_size=Size.MEDIUM,
                label_tag="h2",
                rows=12,
                max_characters=NARRATIVE_MAX_LENGTH,
            ),
            "version",
        )

    def cache_key(self) -> str | None:
        """What the rendered form depends on, for the criterion page to keep its HTML (rendering
        it with crispy-forms cost some 3 ms a page): the answer it starts from (level, narrative,
        version) and the level descriptors. Only for a form not posted yet: a posted one shows
        what was typed and its errors, and is rendered each time."""
        if self.is_bound:
            return None
        shown = (sorted(self.initial.items()), sorted(self.levels.items()))
        return hashlib.sha256(repr(shown).encode()).hexdigest()

    def clean_version(self) -> int | None:
        value = self.cleaned_data.get("version", "")
        if not value.isdigit():
            raise forms.ValidationError("This page was out of date. Your answer is below: save it again.")
        return int(value)

    def clean(self):
        cleaned = super().clean()
        # Shown in the error summary (a hidden field's errors would not be).
        for message in self.errors.pop("version", []):
            self.add_error(None, message)
        return cleaned

    def answer(self) -> tuple[int | None, bool]:
        """The cleaned score as the model stores it: (score, not_evidenced)."""
        score = self.cleaned_data.get("score") or ""
        if score == NOT_EVIDENCED:
            return None, True
        return (int(score), False) if score else (None, False)


class AnyChoiceField(forms.ChoiceField):
    """Radios whose posted value is checked by the service, not against the choices shown:
    the library list is filtered by a search, and the service decides what may be cited."""

    def valid_value(self, value) -> bool:
        return True


class CitationForm(forms.Form):
    file = AnyChoiceField(
        label="Evidence",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose evidence from your organisation's library"},
    )
    location = forms.CharField(
        label="Where in the document",
        help_text="A page, section or paragraph, such as page 12 or section 3.2, or the whole document.",
        max_length=200,
        error_messages={
            "required": "Enter where in the document the evidence is, such as page 12",
            "max_length": "Where in the document must be 200 characters or fewer",
        },
    )
    note = forms.CharField(
        label="What it shows",
        help_text="How this part of the document supports your answer to the criterion.",
        max_length=2_000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter what this evidence shows about the criterion",
            "max_length": "What it shows must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, choices: list[Choice], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].choices = choices
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("file", legend_size=Size.MEDIUM, legend_tag="h2") if choices else HTML(""),
            Field.text("location", field_width=Fluid.TWO_THIRDS),
            Field.textarea("note", rows=4, max_characters=2_000),
            submit_button("Cite this evidence"),
        )


DECLARATION = (
    "I confirm this self-assessment is accurate to the best of my knowledge "
    "and that I have authority to submit it"
)


class SubmitForm(forms.Form):
    """The lead's submission: the declaration, and when needed an acknowledgement of the warnings
    and (after CQC returned the assessment) the reply to CQC's questions."""

    reply = forms.CharField(
        label="Your answer to CQC's questions",
        help_text="CQC sees this with your resubmitted self-assessment.",
        widget=forms.Textarea,
        max_length=NARRATIVE_MAX_LENGTH,
        error_messages={
            "required": "Answer CQC's questions before you resubmit",
            "max_length": "Your answer must be 10,000 characters or fewer",
        },
    )
    acknowledge = forms.BooleanField(
        label="I have read the warnings and want to submit anyway",
        error_messages={"required": "Confirm that you have read the warnings and want to submit anyway"},
    )
    declaration = forms.BooleanField(
        label=DECLARATION,
        error_messages={
            "required": "Confirm that the self-assessment is accurate "
            "and that you have authority to submit it"
        },
    )

    def __init__(self, *args, returned: bool, warnings: bool, questions: bool = False, **kwargs) -> None:
        """`questions`: CQC sent questions, answered one by one on the questions page, so the
        reply is only an optional note; a return with no questions is answered here."""
        super().__init__(*args, **kwargs)
        fields = []
        if returned and questions:
            reply = self.fields["reply"]
            reply.required = False
            reply.label = "Anything else to tell CQC about this resubmission (optional)"
            reply.help_text = (
                "You answer each of CQC's questions on the questions page; CQC sees this note with them."
            )
        if returned:
            fields.append(
                Field.textarea(
                    "reply",
                    label_size=Size.MEDIUM,
                    label_tag="h2",
                    rows=6,
                    max_characters=NARRATIVE_MAX_LENGTH,
                )
            )
        else:
            del self.fields["reply"]
        if warnings:
            fields.append(Field.checkbox("acknowledge"))
        else:
            del self.fields["acknowledge"]
        fields += [
            Field.checkbox("declaration"),
            submit_button("Resubmit to CQC" if returned else "Submit to CQC"),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's own form posts to the submit URL
        self.helper.layout = Layout(*fields)


# ---------------------------------------------------------------------------------------------
# Work shared out

NOBODY = "nobody"


class AssignForm(forms.Form):
    """The lead gives criteria (or whole principles) to one member, or takes them back.

    The page lays out its own GOV.UK radios and checkboxes (criteria grouped by principle, each
    with who has it now), so this form only checks what came back: a person from the list (or
    nobody), and at least one principle or criterion of this assessment, by number and code."""

    person = forms.ChoiceField(
        error_messages={
            "required": "Choose who to give the work to",
            "invalid_choice": "Choose someone from the list",
        }
    )
    principles = forms.MultipleChoiceField(
        required=False, error_messages={"invalid_choice": "Choose principles from the list"}
    )
    criteria = forms.MultipleChoiceField(
        required=False, error_messages={"invalid_choice": "Choose criteria from the list"}
    )

    def __init__(self, *args, people: list[tuple[str, str]], principles: dict[str, list[str]], **kwargs):
        """`people`: (user id, name) of those work can go to; `principles`: principle number ->
        its criteria's codes."""
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [*people, (NOBODY, "Nobody")]
        self.fields["principles"].choices = [(number, number) for number in principles]
        self.fields["criteria"].choices = [(code, code) for codes in principles.values() for code in codes]
        self.principle_criteria = principles
        # The page lays out the fields itself; the helper is what the error summary reads.
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        chose_none = not data.get("principles") and not data.get("criteria")
        if chose_none and "principles" not in self.errors and "criteria" not in self.errors:
            self.add_error("criteria", "Choose at least one principle or criterion")
        return data

    def chosen_codes(self) -> list[str]:
        """Every criterion chosen, one by one or with its whole principle, in rubric order."""
        chosen = set(self.cleaned_data.get("criteria") or [])
        for number in self.cleaned_data.get("principles") or []:
            chosen.update(self.principle_criteria.get(number, []))
        return [code for codes in self.principle_criteria.values() for code in codes if code in chosen]
