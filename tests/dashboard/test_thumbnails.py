import io
import json

import pytest
from PIL import Image

from affectweb.protocols.affectiva import SESSION_V0
from affectweb.dashboard.thumbnails import SIZE, make_thumbnails
from tests.dashboard.helpers import ingest_bytes
from tests.factories import MediaFactory


@pytest.fixture
def photo(study, assets_dir):
    path = assets_dir / "fixtures/single_face.jpg"
    media = MediaFactory(study=study, name=path.name, kind="image", content_type="image/jpeg",
                         file__data=path.read_bytes(), file__filename=path.name)
    box = {"face box x": 100.0, "face box y": 80.0, "face box width": 120.0, "face box height": 150.0}
    doc = {"content_type": SESSION_V0, "frames": [{"time": 0.0, "faces": {
        "0": {"joy": 10.0, **box}, "1": {"joy": 20.0}}}]}  # face 1 has no box: no thumbnail
    ingest_bytes(media, json.dumps(doc).encode())
    return media


def test_it_crops_a_thumbnail_where_the_face_is(alice, photo):
    assert make_thumbnails(photo) == 1
    response = alice.get(f"/media/{photo.pk}/faces/0.jpg")
    assert response["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(response.content)).size == (SIZE, SIZE)
    assert alice.get(f"/media/{photo.pk}/faces/1.jpg").status_code == 404
    html = alice.get(f"/media/{photo.pk}/").content.decode()
    assert f'src="/media/{photo.pk}/faces/0.jpg"' in html and "/faces/1.jpg" not in html


def test_it_hides_thumbnails_from_other_users(client, photo, other):
    make_thumbnails(photo)
    client.force_login(other)
    assert client.get(f"/media/{photo.pk}/faces/0.jpg").status_code == 404
