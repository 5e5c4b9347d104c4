"""Tags for real: upload → RQ worker subprocess → tag API over HTTP → page and exports."""

import csv
import io
import json
import time
import zipfile

from affectweb.dashboard.models import MediaTags
from tests.dashboard.helpers import upload
from tests.dashboard.live import wait_until_analysed
from tests.factories import StudyFactory, TagProviderFactory, UserFactory, tag_application


def wait_until_tagged(timeout: float = 120) -> MediaTags:
    deadline = time.monotonic() + timeout
    while True:
        row = MediaTags.objects.filter().first()
        if (row and row.status != "queued") or time.monotonic() > deadline:
            return row
        time.sleep(0.5)


def test_it_tags_an_upload_per_second_beside_its_analysis(client, live_server, worker, assets_dir):
    tag_application("dashboard-e2e", "e2e secret")
    TagProviderFactory(base_url=f"{live_server.url}/engine/clarifai/", client_id="dashboard-e2e",
                       client_secret="e2e secret")
    user = UserFactory()
    study = StudyFactory(owner=user)
    client.force_login(user)
    assert upload(client, study, assets_dir / "fixtures/single_face.mp4")["ok"]

    row = wait_until_tagged()
    assert row is not None and row.status == "done", row and row.error
    assert row.timestamps == [0.0, 1.0, 2.0]  # 2.4 s of video, a segment per second
    assert all("face" in names for names in row.classes) and row.summary[0]["tag"] in ("face", "person")
    media = wait_until_analysed()
    assert media.status == "done", media.error

    html = client.get(f"/media/{media.pk}/").content.decode()
    chart = json.loads(html.split('<script id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert chart["faces"] and chart["tags"]["x"] == [0.0, 1.0, 2.0, 2.4] and "face" in chart["tags"]["labels"]
    assert "Content tags" in html and "<td>face</td>" in html

    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(f"/media/{media.pk}/tags.csv").streaming_content)
                                           .decode())))
    assert {r["second"] for r in rows} == {"0.0", "1.0", "2.0"} and {"face", "person"} <= {r["tag"] for r in rows}
    with zipfile.ZipFile(io.BytesIO(b"".join(client.get(f"/studies/{study.pk}/export.zip").streaming_content))) as zf:
        assert zf.namelist() == [f"{media.pk}-single_face.csv", f"{media.pk}-single_face-tags.csv"]
