"""The fixed answer scales and the equality-monitoring questions, in one place.

Answers are stored as short keys, never as the words people saw, so that results add up across
surveys and the words can be improved without touching a response.
"""

from __future__ import annotations

from dataclasses import dataclass

AGREEMENT = (
    ("strongly_agree", "Strongly agree"),
    ("agree", "Agree"),
    ("neither", "Neither agree nor disagree"),
    ("disagree", "Disagree"),
    ("strongly_disagree", "Strongly disagree"),
    ("dont_know", "Don't know"),
)
YES_NO = (("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure"))
PREFER_NOT = ("prefer_not", "Prefer not to say")
NOT_ANSWERED = ("not_answered", "Not answered")


@dataclass(frozen=True)
class MonitoringQuestion:
    """One equality-monitoring question: optional, single choice, asked as the census asks it."""

    key: str
    label: str
    text: str
    hint: str
    options: tuple[tuple[str, str], ...]
    option_hints: dict[str, str]


# Asked the way the 2021 census asked, so the respondents' profile can be set beside the
# population's (principle 5.3). Every one optional, each with "Prefer not to say".
MONITORING: tuple[MonitoringQuestion, ...] = (
    MonitoringQuestion(
        key="eq_age",
        label="Age",
        text="How old are you?",
        hint="",
        options=(
            ("under_18", "Under 18"),
            ("18_24", "18 to 24"),
            ("25_34", "25 to 34"),
            ("35_44", "35 to 44"),
            ("45_54", "45 to 54"),
            ("55_64", "55 to 64"),
            ("65_74", "65 to 74"),
            ("75_plus", "75 or over"),
            PREFER_NOT,
        ),
        option_hints={},
    ),
    MonitoringQuestion(
        key="eq_sex",
        label="Sex",
        text="What is your sex?",
        hint="",
        options=(("female", "Female"), ("male", "Male"), PREFER_NOT),
        option_hints={},
    ),
    MonitoringQuestion(
        key="eq_ethnicity",
        label="Ethnic group",
        text="What is your ethnic group?",
        hint="These are the groups the 2021 census used.",
        options=(
            ("asian", "Asian or Asian British"),
            ("black", "Black, Black British, Caribbean or African"),
            ("mixed", "Mixed or multiple ethnic groups"),
            ("white", "White"),
            ("other", "Other ethnic group"),
            PREFER_NOT,
        ),
        option_hints={
            "asian": "Includes Indian, Pakistani, Bangladeshi, Chinese and any other Asian background",
            "black": "Includes Caribbean, African and any other Black, Black British or Caribbean background",
            "mixed": "Includes White and Black Caribbean, White and Black African, White and Asian and any "
            "other mixed or multiple ethnic background",
            "white": "Includes English, Welsh, Scottish, Northern Irish or British, Irish, Gypsy or Irish "
            "Traveller, Roma and any other White background",
            "other": "Includes Arab and any other ethnic group",
        },
    ),
    MonitoringQuestion(
        key="eq_disability",
        label="Disability",
        text="Are your day-to-day activities limited because of a health problem or disability "
        "which has lasted, or is expected to last, at least 12 months?",
        hint="Include problems related to old age.",
        options=(
            ("a_lot", "Yes, limited a lot"),
            ("a_little", "Yes, limited a little"),
            ("no", "No"),
            PREFER_NOT,
        ),
        option_hints={},
    ),
    MonitoringQuestion(
        key="eq_carer",
        label="Unpaid carer",
        text="Do you look after, or give any help or support to, anyone because of their long-term "
        "physical or mental health condition, illness or problems related to old age?",
        hint="Do not count anything you do as part of your paid job.",
        options=(("yes", "Yes"), ("no", "No"), PREFER_NOT),
        option_hints={},
    ),
)
MONITORING_BY_KEY = {question.key: question for question in MONITORING}
