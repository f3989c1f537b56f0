"""File sizes in plain figures (issue 13, item 6): "50 MB", not "50.0 MB"."""

import pytest

from engagement_portal.lib.sizes import file_size


@pytest.mark.parametrize(
    ("size", "words"),
    [
        (50 * 1024 * 1024, "50\xa0MB"),
        (10 * 1024**3, "10\xa0GB"),
        (1536 * 1024, "1.5\xa0MB"),
        (340 * 1024, "340\xa0KB"),
        (1023, "1,023\xa0bytes"),
        (1, "1\xa0byte"),
        (0, "0\xa0bytes"),
    ],
)
def test_sizes_read_as_plain_figures(size, words):
    assert file_size(size) == words
