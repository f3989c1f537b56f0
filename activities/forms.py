"""The activities register's forms, laid out with the GOV.UK template pack.

The forms turn what people typed into `services.ActivityData`; the rules (an end before a start,
a place outside the system) live in `services.validate`, which the forms call so that every
message sits beside its field, and which the services call again before storing anything.
"""

from __future__ import annotations

from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Layout, Size
from django import forms
from django.db.models import Q
from django.utils.safestring import mark_safe

from activities import reading, services
from activities.models import Activity, Community, Topic
from activities.systems import system_partners, system_places
from engagement_portal.lib.forms import select
from evidence.forms import clean_date_parts, evidence_date_field, submit_button
from organisations.models import Organisation

YES_NO = [("yes", "Yes"), ("no", "No")]


def _date(label: str, help_text: str, *, required: bool) -> forms.Field:
    field = evidence_date_field(label, help_text, required=required)
    field.error_messages["required"] = f"Enter the {label.lower().replace(' (optional)', '')}"
    clean_date_parts(field)
    return field


def _terms(model, *, keep: set[int]):
    return model.objects.filter(retired=False) | model.objects.filter(pk__in=keep)


class ActivityForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A short name people will recognise, for example “Urgent care listening events”.",
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    purpose = forms.CharField(
        label="Question or purpose",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you want to find out or decide with people.",
        error_messages={"required": "Enter the question or purpose"},
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.none(),
        label="Topics",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={
            "required": "Choose at least one topic",
            "invalid_choice": "Choose topics from the list",
        },
    )
    communities = forms.ModelMultipleChoiceField(
        queryset=Community.objects.none(),
        label="Communities and groups engaged",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={
            "required": "Choose at least one community or group",
            "invalid_choice": "Choose communities from the list",
        },
    )
    places = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label="Places (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The local authority areas the activity reaches.",
        error_messages={"invalid_choice": "Choose places in your system's area"},
    )
    method = forms.ChoiceField(
        label="Method",
        choices=[("", "Choose a method"), *Activity.Method.choices],
        error_messages={"required": "Choose a method", "invalid_choice": "Choose a method from the list"},
    )
    influence = forms.ChoiceField(
        label="Level of influence",
        choices=Activity.Influence.choices,
        widget=forms.RadioSelect,
        help_text="How far people can shape the decision (the IAP2 spectrum).",
        error_messages={
            "required": "Choose the level of influence",
            "invalid_choice": "Choose a level of influence from the list",
        },
    )
    partners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label="Partners involved (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose partners from your system's organisations"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[(Activity.Status.PLANNED, "Planned"), (Activity.Status.RUNNING, "Running")],
        widget=forms.RadioSelect,
        initial=Activity.Status.PLANNED,
        help_text="To close an activity, save it and choose “Close this activity”.",
        error_messages={"required": "Choose a status", "invalid_choice": "Choose a status from the list"},
    )
    participants = forms.IntegerField(
        label="Number who took part (optional)",
        required=False,
        min_value=0,
        max_value=10_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the number as a whole number, like 40",
            "min_value": "Enter a number between 0 and 10,000,000",
            "max_value": "Enter a number between 0 and 10,000,000",
        },
    )
    participant_profile = forms.CharField(
        label="Who took part (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Their profile against the population affected, in counts of 10 or more. Never names.",
    )
    what_heard = forms.CharField(
        label="What was heard (optional)",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    internal_notes = forms.CharField(
        label="Internal notes (optional)",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only your organisation sees these: partners in your system never do.",
    )
    contact_name = forms.CharField(
        label="Contact name",
        max_length=200,
        help_text="Who partners in your system can ask about this activity.",
        error_messages={"required": "Enter the name of a contact"},
    )
    contact_email = forms.EmailField(
        label="Contact email",
        max_length=254,
        error_messages={
            "required": "Enter the contact's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def __init__(self, data=None, *, organisation: Organisation, activity: Activity | None = None, **kwargs):
        self.organisation = organisation
        self.activity = activity
        initial = kwargs.pop("initial", {})
        if activity is not None:
            initial = {
                **{
                    name: getattr(activity, name)
                    for name in (
                        "title",
                        "purpose",
                        "method",
                        "influence",
                        "planned_start",
                        "planned_end",
                        "actual_start",
                        "actual_end",
                        "status",
                        "participants",
                        "participant_profile",
                        "what_heard",
                        "internal_notes",
                        "contact_name",
                        "contact_email",
                    )
                },
                "topics": list(activity.topics.all()),
                "communities": list(activity.communities.all()),
                "places": list(activity.places.all()),
                "partners": list(activity.partners.all()),
            }
        super().__init__(data, initial=initial, **kwargs)
        keep = {"topics": set(), "communities": set()}
        if activity is not None:
            keep = {
                "topics": set(activity.topics.values_list("pk", flat=True)),
                "communities": set(activity.communities.values_list("pk", flat=True)),
            }
        self.fields["topics"].queryset = _terms(Topic, keep=keep["topics"]).order_by("position", "name")
        self.fields["communities"].queryset = _terms(Community, keep=keep["communities"]).order_by(
            "position", "name"
        )
        self.fields["places"].queryset = system_places(organisation)
        self.fields["partners"].queryset = system_partners(organisation)
        self.fields["planned_start"] = _date("Planned start", "For example, 14 3 2027", required=True)
        self.fields["planned_end"] = _date("Planned end", "For example, 28 3 2027", required=True)
        self.fields["actual_start"] = _date(
            "Actual start (optional)", "When it began, once it has.", required=False
        )
        self.fields["actual_end"] = _date(
            "Actual end (optional)", "When it ended, once it has.", required=False
        )
        if activity is not None and activity.status == Activity.Status.CLOSED:
            self.fields["status"].choices = Activity.Status.choices
        layout = [
            Field.text("title"),
            Field.textarea("purpose", rows=3),
            Field.checkboxes("topics", legend_size=Size.SMALL, small=True),
            Field.checkboxes("communities", legend_size=Size.SMALL, small=True),
        ]
        layout.append(
            Field.checkboxes("places", legend_size=Size.SMALL, small=True)
            if self.fields["places"].queryset.exists()
            else HTML(
                '<p class="govuk-body">Your system has no local authority areas to choose as places.</p>'
            )
        )
        layout += [Field.select("method"), Field.radios("influence", legend_size=Size.SMALL, small=True)]
        if self.fields["partners"].queryset.exists():
            layout.append(Field.checkboxes("partners", legend_size=Size.SMALL, small=True))
        layout += [
            Fieldset(
                Field("planned_start", fieldset=True, legend_size=Size.SMALL),
                Field("planned_end", fieldset=True, legend_size=Size.SMALL),
                legend="Planned dates",
                legend_size=Size.MEDIUM,
            ),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Fieldset(
                Field("actual_start", fieldset=True, legend_size=Size.SMALL),
                Field("actual_end", fieldset=True, legend_size=Size.SMALL),
                Field.text("participants", field_width=10),
                Field.textarea("participant_profile", rows=3),
                Field.textarea("what_heard", rows=5),
                legend="Once it has run",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("internal_notes", rows=3),
            Fieldset(
                Field.text("contact_name"),
                Field.text("contact_email"),
                legend="Contact",
                legend_size=Size.MEDIUM,
            ),
            submit_button("Save activity"),
        ]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(*layout)

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        errors = services.validate(self.organisation, self.data_for_service(), current=self.activity)
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned

    def data_for_service(self) -> services.ActivityData:
        d = self.cleaned_data
        current = self.activity
        return services.ActivityData(
            title=d["title"],
            purpose=d["purpose"],
            topic_ids={t.pk for t in d["topics"]},
            community_ids={c.pk for c in d["communities"]},
            place_ids={p.pk for p in d.get("places") or []},
            partner_ids={p.pk for p in d.get("partners") or []},
            method=d["method"],
            influence=d["influence"],
            planned_start=d["planned_start"],
            planned_end=d["planned_end"],
            actual_start=d.get("actual_start"),
            actual_end=d.get("actual_end"),
            status=d["status"],
            participants=d.get("participants"),
            participant_profile=d.get("participant_profile", ""),
            what_heard=d.get("what_heard", ""),
            what_changed=current.what_changed if current else "",
            participants_told=current.participants_told if current else None,
            told_on=current.told_on if current else None,
            internal_notes=d.get("internal_notes", ""),
            contact_name=d["contact_name"],
            contact_email=d["contact_email"],
        )


class CloseForm(forms.Form):
    what_changed = forms.CharField(
        label="What changed as a result?",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you or your partners did differently because of what people said. If nothing "
        "changed, say why.",
        error_messages={"required": "Say what changed as a result, or why nothing changed"},
    )
    participants_told = forms.ChoiceField(
        label="Have you told the people who took part what changed?",
        choices=[("yes", "Yes"), ("no", "Not yet")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you have told the people who took part"},
    )

    def __init__(self, data=None, *, activity: Activity, **kwargs):
        self.activity = activity
        initial = {
            "what_changed": activity.what_changed,
            "participants_told": {True: "yes", False: "no"}.get(activity.participants_told, ""),
            "told_on": activity.told_on,
            "actual_end": activity.actual_end,
        }
        super().__init__(data, initial=initial, **kwargs)
        self.fields["told_on"] = _date(
            "Date they were told (if you have)", "For example, 2 12 2026", required=False
        )
        self.fields["actual_end"] = _date(
            "When the activity ended (optional)", "Leave empty to use the planned end.", required=False
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.textarea("what_changed", label_size=Size.MEDIUM, rows=6),
            Field.radios("participants_told", legend_size=Size.MEDIUM, small=True),
            Field("told_on", fieldset=True, legend_size=Size.SMALL),
            Field("actual_end", fieldset=True, legend_size=Size.SMALL),
            submit_button("Close the activity"),
        )

    def closing(self) -> services.Closing:
        d = self.cleaned_data
        return services.Closing(
            what_changed=d["what_changed"],
            participants_told=d["participants_told"] == "yes",
            told_on=d.get("told_on"),
            actual_end=d.get("actual_end"),
        )


class PublishForm(forms.Form):
    asked = forms.CharField(
        label="What we asked",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what you asked"},
    )
    heard = forms.CharField(
        label="What you said",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A summary in plain English. Never a name, a quote someone could be recognised by, or a "
        "count below 10.",
        error_messages={"required": "Enter what people said"},
    )
    changed = forms.CharField(
        label="What we did",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What changed as a result, or why nothing changed.",
        error_messages={"required": "Enter what changed"},
    )

    def __init__(self, data=None, *, activity: Activity, **kwargs):
        publication = getattr(activity, "publication", None)
        if publication is not None:
            initial = {"asked": publication.asked, "heard": publication.heard, "changed": publication.changed}
        else:
            initial = {"asked": activity.purpose, "heard": "", "changed": activity.what_changed}
        super().__init__(data, initial=initial, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.textarea("asked", label_size=Size.SMALL, rows=3),
            Field.textarea("heard", label_size=Size.SMALL, rows=5),
            Field.textarea("changed", label_size=Size.SMALL, rows=5),
            submit_button("Publish"),
        )

    def words(self) -> services.PublicWords:
        d = self.cleaned_data
        return services.PublicWords(asked=d["asked"], heard=d["heard"], changed=d["changed"])


# RegisterFilterForm.as_html's memo: HTML by the choices and values it was rendered with.
RENDERED_LIMIT = 500
_RENDERED: dict[tuple, str] = {}


class OptionField(forms.ChoiceField):
    """A select of options read beforehand (`Term`s or system `Member`s: a pk and a name), so
    that rendering and checking it runs no query; cleans to the option chosen, or None."""

    def __init__(self, *, label: str, noun: str):
        super().__init__(
            required=False,
            label=label,
            error_messages={"invalid_choice": f"Choose {noun} from the list"},
        )
        self.options: dict[str, object] = {}

    def set_options(self, options) -> None:
        self.options = {str(o.pk): o for o in options}
        self.choices = [("", "Any"), *((o.pk, o.name) for o in options)]

    def clean(self, value):
        value = super().clean(value)
        return self.options.get(value) if value else None


class RegisterFilterForm(forms.Form):
    """The filters of the system-wide list, the timeline and their exports (GET). Its choices
    come from the register's organisations (read once a request) and the controlled lists (one
    query for both)."""

    topic = OptionField(label="Topic", noun="a topic")
    community = OptionField(label="Community", noun="a community")
    place = OptionField(label="Place", noun="a place")
    partner = OptionField(label="Organisation", noun="an organisation")
    status = forms.ChoiceField(
        choices=[("", "Any"), *Activity.Status.choices],
        required=False,
        label="Status",
        error_messages={"invalid_choice": "Choose a status from the list"},
    )

    def __init__(self, data=None, *, register, **kwargs):
        super().__init__(data, **kwargs)
        topics, communities = reading.controlled_lists()
        self.fields["topic"].set_options(topics)
        self.fields["community"].set_options(communities)
        self.fields["place"].set_options(register.places())
        self.fields["partner"].set_options(register.members())
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            *(select(name) for name in self.FIELDS),
            Button("apply", "Apply filters", css_class="govuk-button--secondary"),
        )

    FIELDS = ("topic", "community", "place", "partner", "status")

    def as_html(self) -> str:
        """The form as `{% crispy form %}` renders it, from a memo kept in the process: the HTML
        depends only on the choices and on what was asked for (the errors follow from those), so
        they are the key and an entry is never stale. A GET form: no CSRF token in it."""
        key = tuple((name, tuple(self.fields[name].choices), self.data.get(name)) for name in self.FIELDS)
        html = _RENDERED.get(key)
        if html is None:
            html = mark_safe(render_crispy_form(self))  # noqa: S308 - crispy's own escaped output
            if len(_RENDERED) >= RENDERED_LIMIT:
                del _RENDERED[next(iter(_RENDERED))]
            _RENDERED[key] = html
        return html

    def apply(self, activities):
        """The activities the filters keep. Each term filter is a subquery of its link table, so
        the rows need no DISTINCT."""
        self.is_valid()
        d = self.cleaned_data
        if d.get("topic"):
            links = Activity.topics.through.objects.filter(topic_id=d["topic"].pk)
            activities = activities.filter(pk__in=links.values("activity_id"))
        if d.get("community"):
            links = Activity.communities.through.objects.filter(community_id=d["community"].pk)
            activities = activities.filter(pk__in=links.values("activity_id"))
        if d.get("place"):
            links = Activity.places.through.objects.filter(organisation_id=d["place"].pk)
            activities = activities.filter(pk__in=links.values("activity_id"))
        if d.get("partner"):
            links = Activity.partners.through.objects.filter(organisation_id=d["partner"].pk)
            activities = activities.filter(
                Q(organisation_id=d["partner"].pk) | Q(pk__in=links.values("activity_id"))
            )
        if d.get("status"):
            activities = activities.filter(status=d["status"])
        return activities

    def described(self) -> dict[str, str]:
        """The filters in force, in words (for a filed snapshot)."""
        self.is_valid()
        out = {}
        for name in ("topic", "community", "place", "partner", "status"):
            value = self.cleaned_data.get(name)
            if value:
                label = self.fields[name].label.lower()
                out[label] = str(value) if name != "status" else Activity.Status(value).label
        return out

    def query_string(self) -> str:
        self.is_valid()
        parts = []
        for name in ("topic", "community", "place", "partner", "status"):
            value = self.cleaned_data.get(name)
            if value:
                parts.append(f"{name}={getattr(value, 'pk', value)}")
        return "&".join(parts)


class TermForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, error_messages={"required": "Enter a name"})

    def __init__(self, data=None, *, with_group: bool, **kwargs):
        super().__init__(data, **kwargs)
        layout = [Field.text("name", field_width=20)]
        if with_group:
            self.fields["group"] = forms.ChoiceField(
                label="Group",
                choices=Community.Group.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose a group",
                    "invalid_choice": "Choose a group from the list",
                },
            )
            layout.append(Field.radios("group", legend_size=Size.SMALL, small=True))
        layout.append(submit_button("Add to the list"))
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(*layout)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="A CSV or Excel (XLSX) file with the columns of an exported register.",
        error_messages={"required": "Choose a CSV or Excel file", "empty": "The file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.layout = Layout(Field("file"), submit_button("Check the file"))
