from pathlib import Path

import django_rq
import pytest

from affectweb.dashboard import tasks
from affectweb.dashboard.models import FaceTrack, Media, Study
from affectweb.engine.models import Job as EngineJob
from tests.factories import MediaFactory, StudyFactory


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


def test_it_deletes_the_job_at_the_provider_too(engine_provider, redis_db, assets_dir,
                                                 django_capture_on_commit_callbacks):
    job = engine_provider.client().submit(assets_dir / "fixtures/single_face.jpg", name="no-op")
    assert EngineJob.objects.count() == 1
    media = MediaFactory(study=StudyFactory(), provider=engine_provider, job_url=job.url)
    with django_capture_on_commit_callbacks(execute=True):
        media.delete()
    (queued,) = django_rq.get_queue("default").get_jobs()
    assert queued.func_name == "affectweb.dashboard.tasks.forget_job"
    queued.perform()  # what a worker does with it, against the live engine over HTTP
    assert not EngineJob.objects.exists()
    tasks.forget_job(engine_provider.pk, job.url)  # twice is harmless: already gone
