"""Another researcher's study answers 404 on every research page, action and export."""

import pytest

from tests.factories import MarkerFactory, ParticipantLinkFactory, StimulusFactory, UserFactory
from tests.research.helpers import analysed

GETS = ["/research/studies/{s}/", "/research/studies/{s}/group.json?metric=joy", "/research/studies/{s}/setup",
        "/research/studies/{s}/stimulus/file", "/research/studies/{s}/long.csv",
        "/research/studies/{s}/groups.csv?metric=joy", "/research/studies/{s}/markers.csv",
        "/research/studies/{s}/imotions.zip"]
POSTS = ["/research/studies/{s}/markers", "/research/studies/{s}/stimulus", "/research/studies/{s}/links",
         "/research/media/{m}/", "/research/markers/{k}/delete", "/research/links/{l}/revoke"]


@pytest.fixture
def objects(study):
    media = analysed(study, 20)
    return {"s": study.pk, "m": media.pk, "k": MarkerFactory(study=study).pk,
            "l": ParticipantLinkFactory(study=study).pk, "stimulus": StimulusFactory(study=study)}


@pytest.mark.parametrize("page", GETS + POSTS)
def test_it_requires_login(client, objects, page):
    url = page.format(**objects)
    response = client.post(url) if page in POSTS else client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("page", GETS)
def test_it_answers_404_for_another_researchers_study(client, objects, other, page):
    client.force_login(other)
    assert client.get(page.format(**objects)).status_code == 404


@pytest.mark.parametrize("page", POSTS)
def test_it_answers_404_to_posts_on_another_researchers_study(client, objects, other, page):
    client.force_login(other)
    assert client.post(page.format(**objects), {"name": "x", "start": "1", "offset": "3"}).status_code == 404


@pytest.mark.parametrize("page", GETS)
def test_it_lets_owners_and_staff_in(client, objects, page):
    from affectweb.dashboard.models import Study
    for user in (Study.objects.get().owner, UserFactory(username="staff", is_staff=True)):
        client.force_login(user)
        assert client.get(page.format(**objects)).status_code == 200
