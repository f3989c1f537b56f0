import pytest
from django.http import HttpRequest

pytestmark = pytest.mark.django_db


def test_cast_signs_in_and_sees_home(client, cast):
    # django-axes needs the request that signs in; the test client's login has none of its own.
    assert client.login(request=HttpRequest(), username="lead_a", password=cast.password)
    response = client.get("/")
    assert response.status_code == 200
    assert "Alderley Integrated Care System" in response.content.decode()
