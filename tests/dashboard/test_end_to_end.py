import json
import time

from tests.dashboard.helpers import upload
from tests.dashboard.live import wait_until_analysed
from tests.factories import StudyFactory, UserFactory


def test_it_analyses_an_upload_with_the_bundled_engine(client, worker, assets_dir):
    user = UserFactory()
    study = StudyFactory(owner=user)
    client.force_login(user)
    assert upload(client, study, assets_dir / "fixtures/single_face.mp4")["ok"]

    media = wait_until_analysed()
    assert media.status == "done", media.error
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
