import pytest

from affectweb.clients.mediaapi import MediaApiClient
from tests.clients.fake_provider import FakeProvider


@pytest.fixture
def provider():
    with FakeProvider() as p:
        yield p


@pytest.fixture
def client(provider):
    # Short timeouts so the "timeout" faults do not slow the suite down.
    return MediaApiClient(provider.index_url, provider.state.username, provider.state.password,
                          timeout=(2.0, 0.5))


@pytest.fixture
def video(assets_dir):
    return assets_dir / "fixtures" / "single_face.mp4"
