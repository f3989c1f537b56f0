"""Minimal factory_boy factories: just enough to build the cast in conftest.py."""

import time

import factory
from django.contrib.auth import get_user_model

from organisations.models import Membership, Organisation

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Integrated Care System {n}")
    type = Organisation.Type.ICS
    code = factory.Sequence(lambda n: f"T{n:04d}")
    region = Organisation.Region.LONDON


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.CONTRIBUTOR


# The second factor (accounts/two_factor.py). Staff in the cast have an authenticator app
# made from a fixed test key, so tests can compute its codes as the app would.
TOTP_TEST_KEY = "3132333435363738393031323334353637383930"  # b"12345678901234567890", RFC 6238's


def authenticator_for(user, key: str = TOTP_TEST_KEY):
    """A confirmed authenticator app (django-otp TOTPDevice) for this person."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)


def next_code(device) -> str:
    """A code the device accepts now, as the person's app would show it.

    django-otp refuses a code from a time step it has already accepted (so a code cannot be used
    twice), so a second sign-in within the same 30 seconds uses the next step's code, which it
    also accepts (one step of tolerance); a third waits for the next step.
    """
    from django_otp.oath import hotp

    device.refresh_from_db()
    while True:
        now = (int(time.time()) - device.t0) // device.step + device.drift
        counter = max(now, device.last_t + 1)
        if counter <= now + device.tolerance:
            return f"{hotp(device.bin_key, counter, digits=device.digits):0{device.digits}d}"
        time.sleep(1)
