import pytest

from tests.clients.fake_provider import session_json
from tests.dashboard.helpers import ingest_bytes
from tests.factories import MediaFactory, StudyFactory, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="alice")


@pytest.fixture
def other(db):
    return UserFactory(username="mallory")


@pytest.fixture
def study(user):
    return StudyFactory(owner=user)


@pytest.fixture
def analysed(study):
    """A media of `study` with two faces ingested (face 1 appears at 0.5 s)."""
    media = MediaFactory(study=study)
    ingest_bytes(media, session_json(frames=30, faces=2))
    return media


@pytest.fixture
def alice(client, user):
    client.force_login(user)
    return client
