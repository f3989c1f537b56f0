"""Debian's wapiti 3.0.4 with one fix, run by scripts/scan.py as `/usr/bin/python3 this ARGS`.

Its URL exclusion (-x) builds the regular expression `...\\Z(?ms)`, with the flags at the end,
which Python 3.11 refuses ("global flags not at the start of the expression"): any -x stops
the scan before it starts. The scan needs -x to keep wapiti from posting the sign-out form,
which would end the signed-in scan's session. This puts the flags first, and otherwise runs
wapiti unchanged.
"""

import re
import sys

from wapitiCore.net import crawler


def wildcard_translate(pattern: str) -> re.Pattern:
    return re.compile("(?ms)" + ".*".join(re.escape(part) for part in pattern.split("*")) + r"\Z")


crawler.wildcard_translate = wildcard_translate

from wapitiCore.main.wapiti import wapiti_main  # noqa: E402 - after the fix above

sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
