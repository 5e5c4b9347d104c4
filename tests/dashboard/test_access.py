import pytest

from tests.factories import UserFactory

PAGES = ["/media/{m}/", "/media/{m}/file", "/media/{m}/series.json?metric=joy", "/media/{m}/export.csv",
         "/media/{m}/session.json", "/studies/{s}/", "/studies/{s}/status.json", "/studies/{s}/export.zip"]


@pytest.mark.parametrize("page", ["/", *PAGES])
def test_it_requires_login_everywhere(client, analysed, page):
    response = client.get(page.format(m=analysed.pk, s=analysed.study_id))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("page", PAGES)
def test_it_answers_404_for_another_users_objects(client, analysed, other, page):
    client.force_login(other)
    assert client.get(page.format(m=analysed.pk, s=analysed.study_id)).status_code == 404


@pytest.mark.parametrize("page", ["/media/{m}/retry", "/media/{m}/reanalyse", "/studies/{s}/upload"])
def test_it_answers_404_to_posts_on_another_users_objects(client, analysed, other, page):
    client.force_login(other)
    assert client.post(page.format(m=analysed.pk, s=analysed.study_id)).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_it_lets_owners_and_staff_in(client, analysed, page):
    for user in (analysed.study.owner, UserFactory(username="staff", is_staff=True)):
        client.force_login(user)
        assert client.get(page.format(m=analysed.pk, s=analysed.study_id)).status_code == 200


def test_it_lists_only_the_users_own_studies(client, study, other):
    client.force_login(other)
    assert study.name not in client.get("/").content.decode()
    client.force_login(study.owner)
    assert study.name in client.get("/").content.decode()


def test_it_creates_a_study(alice, user):
    response = alice.post("/", {"name": "Pilot"})
    assert response.status_code == 302
    assert user.studies.get().name == "Pilot"
    assert "already" in alice.post("/", {"name": "Pilot"}).content.decode()
