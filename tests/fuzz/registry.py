"""Every form-handling (POST) endpoint, and who the fuzzer posts to it as.

The permission matrix (tests/permissions/matrix.py) already lists every (URL name, method) the
portal answers, and refuses (405) any method it does not list, so its POST rows are exactly the
endpoints that handle forms. Each row that someone is allowed to use (a 302 in the matrix) is
fuzzed as the first of POSTERS it allows: organisation A's lead or contributor where they may,
otherwise CQC staff working on A's assessment or a rubric admin. `NOT_FUZZED` names the POST
endpoints left out, and why; `test_every_post_endpoint_is_fuzzed_or_excused` fails when a new one
is in neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.permissions.matrix import REDIRECT, RULES, Rule

POSTERS = ("lead_a", "contributor_a", "assessor", "rubric_admin", "site_admin")

# Endpoints whose ordinary data in the matrix is refused (a wrong password, a bad reset link),
# fuzzed as the person who would use them.
POSTER_OVERRIDES = {
    "login": "anonymous",
    "password_reset": "anonymous",
    "password_change": "lead_a",
    "password_reset_confirm": "anonymous",
    "two_factor_setup": "lead_a",
    # A survey's public answering page: anyone, signed in or not.
    "survey_answer": "anonymous",
    # An invitation's link: a new account made from it, by someone not signed in.
    "invitation_accept": "anonymous",
}

NOT_FUZZED = {
    "logout": "signing out takes no fields and writes only the session, which the snapshot ignores",
    "admin:*": "Django's own admin, for site admins only, not scoped to an organisation",
    "survey_submit": "its only field is the signed state the answering pages built (any change to it is a "
    "400, and every answer in it is checked again: tests/voices/test_answering.py); each post writes the "
    "answering limit's keyed-hash row, which belongs to no organisation by design",
}


@dataclass(frozen=True)
class Target:
    rule: Rule
    person: str
    index: int

    @property
    def id(self) -> str:
        return f"{self.rule.url_name}-{self.index}"


def targets() -> list[Target]:
    found: list[Target] = []
    for index, rule in enumerate(RULES):
        if rule.method != "POST" or rule.url_name in NOT_FUZZED:
            continue
        person = POSTER_OVERRIDES.get(rule.url_name)
        if person is None:
            person = next((p for p in POSTERS if rule.expected.get(p) == REDIRECT), None)
        if person is not None:
            found.append(Target(rule, person, index))
    return found


def post_url_names() -> set[str]:
    return {rule.url_name for rule in RULES if rule.method == "POST"}
