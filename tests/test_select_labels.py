"""Filter forms' drop-downs have small bold labels and no made-up attributes.

crispy-forms-gds's Field.select has no label size: given label_size="s" it wrote an invalid
label-size="s" attribute on the <select> and left the label regular, beside text inputs whose
labels were bold. `engagement_portal.lib.forms.select` gives the label its size."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("person", "url"),
    [
        ("lead_a", lambda cast: reverse("evidence_library", kwargs={"code": cast.org_a.code})),
        ("lead_a", lambda cast: reverse("organisation_activity", kwargs={"code": cast.org_a.code})),
        ("site_admin", lambda cast: reverse("audit_search")),
    ],
)
def test_every_drop_down_has_a_small_bold_label_and_no_label_size_attribute(client, cast, person, url):
    client.force_login(cast.person(person))
    html = client.get(url(cast)).content.decode()
    selects = re.findall(r"<select[^>]*>", html)
    assert selects
    assert not any("label-size" in tag for tag in selects), selects
    for tag in selects:
        field_id = re.search(r'id="([^"]+)"', tag).group(1)
        label = re.search(rf'<label[^>]*for="{field_id}"[^>]*>', html).group(0)
        assert "govuk-label--s" in label, label
