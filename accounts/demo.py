"""The demo CQC people's shared second-factor key (seed_demo gives it them; demo_code prints its
current code)."""

from __future__ import annotations

from base64 import b32decode

# The CQC demo people must use two-factor authentication, like real ones. Their authenticator
# apps all share this key, which is printed: type it into any authenticator app, or run
# `manage.py demo_code` for the current code. Demo only: real keys are random and never shown
# again once set up.
DEMO_TOTP_KEY = "DEMO DEMO DEMO DEMO DEMO DEMO DEMO DEMO"


def demo_totp_hex_key() -> str:
    """The demo key as django-otp stores it (hex)."""
    return b32decode(DEMO_TOTP_KEY.replace(" ", "")).hex()
