import pytest

pytestmark = pytest.mark.django_db


def test_cast_signs_in_and_sees_home(client, cast):
    assert client.login(username="lead_a", password=cast.password)
    response = client.get("/")
    assert response.status_code == 200
    assert "Alderley Integrated Care System" in response.content.decode()
