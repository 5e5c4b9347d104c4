from pathlib import Path

import pytest

from affectweb.dashboard.models import FaceTrack, Media, Study


def test_it_deletes_a_media_with_its_files(alice, analysed, django_capture_on_commit_callbacks):
    files = [Path(analysed.file.path), Path(analysed.result_file.path)]
    assert all(f.exists() for f in files)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(f"/media/{analysed.pk}/delete")
    assert response.status_code == 302
    assert not Media.objects.exists() and not FaceTrack.objects.exists()
    assert not any(f.exists() for f in files)


def test_it_deletes_a_study_with_its_media(alice, analysed, django_capture_on_commit_callbacks):
    upload = Path(analysed.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert alice.post(f"/studies/{analysed.study_id}/delete").status_code == 302
    assert not Study.objects.exists() and not Media.objects.exists()
    assert not upload.exists()


@pytest.mark.parametrize("page", ["/media/{m}/delete", "/studies/{s}/delete"])
def test_it_lets_nobody_else_delete(client, analysed, other, page):
    client.force_login(other)
    assert client.post(page.format(m=analysed.pk, s=analysed.study_id)).status_code == 404
    assert client.get(page.format(m=analysed.pk, s=analysed.study_id)).status_code == 405
    assert Media.objects.filter(pk=analysed.pk).exists()
