import json
import time

from affectweb.dashboard.models import Media
from affectweb.engine.models import Entry, Job as EngineJob
from tests.dashboard.helpers import upload
from tests.dashboard.live import wait_until_analysed
from tests.factories import StudyFactory, UserFactory


def _uploaded_and_analysed(client, path) -> Media:
    """`path` uploaded by a new researcher (logged in on `client`), once analysed."""
    user = UserFactory()
    client.force_login(user)
    assert upload(client, StudyFactory(owner=user), path)["ok"]
    media = wait_until_analysed()
    assert media.status == "done", media.error
    return media


def test_it_analyses_an_upload_with_the_bundled_engine(client, worker, assets_dir):
    media = _uploaded_and_analysed(client, assets_dir / "fixtures/single_face.mp4")
    assert media.job_url.startswith(media.provider.index_url)
    assert media.faces.count() >= 1 and "joy" in media.metric_names
    face = media.faces.first()
    for _ in range(60):  # thumbnails come from a job of their own, after ingestion
        if face.thumbnail is not None:
            break
        time.sleep(0.5)
        face.refresh_from_db()
    assert client.get(f"/media/{media.pk}/faces/{face.face_id}.jpg").status_code == 200
    html = client.get(f"/media/{media.pk}/").content.decode()
    chart = json.loads(html.split('<script id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert chart["faces"] and len(chart["faces"][0]["x"]) > 10


def test_re_analyse_runs_the_same_engine_job_again(client, worker, assets_dir):
    media = _uploaded_and_analysed(client, assets_dir / "fixtures/single_face.jpg")
    job = EngineJob.objects.get()
    first_result = job.entry(Entry.Role.RESULT).pk
    first_run = job.updated

    client.post(f"/media/{media.pk}/reanalyse")
    assert Media.objects.get().status == "queued"
    media = wait_until_analysed()
    assert media.status == "done", media.error
    job = EngineJob.objects.get()  # the same job: the file was not uploaded again
    assert job.updated > first_run and job.status == "done"
    assert job.entry(Entry.Role.RESULT).pk == first_result
    assert Entry.objects.filter(role=Entry.Role.INPUT).count() == 1
    assert media.faces.count() >= 1
