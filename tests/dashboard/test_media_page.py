import json

import numpy as np
import pytest
from django.contrib.staticfiles import finders
from django_rq import get_queue

from affectweb.protocols.affectiva import SESSION_V0
from affectweb.dashboard.series import MAX_POINTS
from tests.dashboard.helpers import ingest_bytes
from affectweb.dashboard.models import Media
from tests.factories import MediaFactory


def _chart(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


def test_it_renders_a_curve_per_face_and_a_summary(alice, analysed):
    response = alice.get(f"/media/{analysed.pk}/")
    assert response.status_code == 200
    chart = _chart(response)
    assert chart["metric"] == {"name": "joy", "label": "Joy", "group": "Emotions", "low": 0.0, "high": 100.0,
                               "unit": "0–100"}
    zero, one = chart["faces"]
    assert (zero["face_id"], len(zero["x"]), one["face_id"], len(one["x"])) == ("0", 30, "1", 25)
    assert zero["colour"] != one["colour"]
    html = response.content.decode()
    assert f'src="/media/{analysed.pk}/file"' in html and "<video" in html
    assert "/static/vendor/plotly.min.js" in html
    assert f"background: {zero['colour']}" in html  # the summary's face label matches the curve
    assert '<strong>48.2</strong><br><small class="muted">peak 98.0 @ 1.4 s</small>' in html  # mean, peak @ time
    picker = html[html.index('<select id="metric"'):html.index("</select>")]
    assert picker.index('value="joy"') < picker.index('value="valence"') < picker.index('value="smile"')
    assert picker.index('<optgroup label="Emotions">') < picker.index('value="joy"')
    assert picker.index('<optgroup label="Summary">') < picker.index('value="valence"')
    assert ">Valence (negative … positive)</option>" in picker
    assert "face box x" not in picker
    assert 'href="/help/metrics/#metric-joy"' in html


def test_the_url_chooses_the_metric_a_pasted_link_shows(alice, analysed):
    chart = _chart(alice.get(f"/media/{analysed.pk}/", {"metric": "valence"}))
    assert chart["metric"]["name"] == "valence" and (chart["metric"]["low"], chart["metric"]["high"]) == (-100, 100)
    assert _chart(alice.get(f"/media/{analysed.pk}/", {"metric": "nope"}))["metric"]["name"] == "joy"


def test_it_shows_how_much_of_the_video_has_a_face(alice, study):
    frames = [{"time": i / 10, "faces": {"0": {"joy": 1.0}} if i < 42 else {}} for i in range(296)]
    media = MediaFactory(study=study)
    ingest_bytes(media, json.dumps({"frames": frames}).encode(), SESSION_V0)
    media.refresh_from_db()
    assert (media.frame_count, media.face_frames) == (296, 42)
    html = alice.get(f"/media/{media.pk}/").content.decode()
    assert "a face in\n      <strong>14%</strong> of 296 frames" in html
    assert "low face coverage" in html and "42 · 14%" in html


def test_a_still_gets_a_bar_per_face_and_its_boxes(alice, study):
    faces = {str(f): {"joy": 80.0 - 30 * f, "anger": 5.0, "face box x": 10.0 + 100 * f, "face box y": 20.0,
                      "face box width": 50.0, "face box height": 60.0} for f in range(2)}
    media = MediaFactory(study=study, kind="image", name="group.jpg", duration=0.0, width=400, height=300)
    ingest_bytes(media, json.dumps({"frames": [{"time": 0.0, "faces": faces}]}).encode(), SESSION_V0)
    response = alice.get(f"/media/{media.pk}/")
    chart = _chart(response)
    assert chart["faces"] == [] and "time (s)" not in response.content.decode()
    bars = chart["bars"]
    assert [m["name"] for m in bars["metrics"]][:2] == ["joy", "sadness"]
    assert [f["y"][0] for f in bars["faces"]] == [80.0, 50.0]
    boxes = alice.get(f"/media/{media.pk}/boxes.json").json()
    assert (boxes["width"], boxes["height"]) == (400, 300)
    assert [(f["face_id"], f["x"], f["w"]) for f in boxes["faces"]] == [("0", [10.0], [50.0]), ("1", [110.0], [50.0])]


def test_box_tracks_are_thinned_to_ten_a_second(alice, study):
    box = {"face box x": 1.0, "face box y": 2.0, "face box width": 3.0, "face box height": 4.0}
    frames = [{"time": round(i / 30, 4), "faces": {"0": {"joy": 1.0, **box, "face box x": float(i)}}}
              for i in range(90)]
    media = MediaFactory(study=study)
    ingest_bytes(media, json.dumps({"frames": frames}).encode(), SESSION_V0)
    [face] = alice.get(f"/media/{media.pk}/boxes.json").json()["faces"]
    assert len(face["t"]) == 30 and face["t"][:3] == [0.0, 0.1, 0.2]  # 3 s at 30 fps: one box in three
    assert face["x"][:3] == [0.0, 3.0, 6.0] and set(face["h"]) == {4.0}


def test_the_help_page_renders_the_metrics_document_with_an_index(alice):
    html = alice.get("/help/metrics/").content.decode()
    assert '<tr id="metric-joy">' in html and '<tr id="metric-inner-brow-raise">' in html
    assert 'href="#emotions-0100">Emotions (0–100)</a>' in html  # the section that explains joy
    assert '<h3 id="emotions-0100">' in html  # docs/metrics.md itself, rendered under the page's title
    assert "logistic of a weighted sum" in html
    assert "<li>\n<p><strong>cheek raise / lid tighten</strong>" in html  # a list, not "- " in a paragraph
    assert '<td class="scale">−90 to 90 degrees</td>' in html and "0 to 100 0–100" not in html


def test_it_serves_plotly_from_the_installed_package():
    path = finders.find("vendor/plotly.min.js")
    assert path and path.endswith("plotly/package_data/plotly.min.js")
    assert finders.find("vendor/widgetbundle.js") is None  # only plotly.js is exposed


def test_it_downsamples_long_media_and_gives_detail_when_zoomed(alice, study):
    n = 20_000
    frames = [{"time": i / 30, "faces": {"0": {"joy": float(i % 100), "anger": 1.0}}} for i in range(n)]
    media = MediaFactory(study=study, duration=n / 30)
    ingest_bytes(media, json.dumps({"content_type": SESSION_V0, "frames": frames}).encode(), SESSION_V0)

    overview = alice.get(f"/media/{media.pk}/series.json", {"metric": "joy"}).json()
    [face] = overview["faces"]
    assert len(face["x"]) == MAX_POINTS
    assert max(face["y"]) == 99.0 and min(face["y"]) == 0.0  # MinMaxLTTB keeps the extremes

    detail = alice.get(f"/media/{media.pk}/series.json", {"metric": "anger", "start": 100, "end": 110}).json()
    [face] = detail["faces"]
    assert len(face["x"]) == 10 * 30 + 3  # every frame in the window, plus one either side
    assert face["x"][0] < 100 <= face["x"][1] and face["x"][-2] <= 110 < face["x"][-1]
    assert set(face["y"]) == {1.0}


def test_it_breaks_curves_where_a_face_was_away(alice, study):
    frames = [{"time": t, "faces": {"0": {"joy": 5.0}} if not 1 < t < 4 else {}}
              for t in np.arange(0, 5, 0.1).round(1).tolist()]
    media = MediaFactory(study=study)
    ingest_bytes(media, json.dumps({"frames": frames}).encode(), SESSION_V0)
    [face] = alice.get(f"/media/{media.pk}/series.json", {"metric": "joy"}).json()["faces"]
    assert face["y"].count(None) == 1


@pytest.mark.parametrize("query", [{"metric": "nope"}, {"metric": "joy", "start": "x"}])
def test_it_rejects_bad_series_queries(alice, analysed, query):
    assert alice.get(f"/media/{analysed.pk}/series.json", query).status_code == 400


def test_it_shows_the_status_of_media_in_flight(alice, study):
    media = MediaFactory(study=study, status="working", progress=0.42)
    html = alice.get(f"/studies/{study.pk}/").content.decode()
    assert "working 42%" in html and "data-in-flight" in html
    assert alice.get(f"/studies/{study.pk}/status.json").json() == {
        "media": [{"id": media.pk, "status": "working", "progress": 0.42, "error": ""}]}


def test_it_offers_retry_for_failed_media(alice, study, redis_db):
    media = MediaFactory(study=study, status="error", error="The provider failed (HTTP 500).")
    html = alice.get(f"/studies/{study.pk}/").content.decode()
    assert "The provider failed (HTTP 500)." in html and f"/media/{media.pk}/retry" in html
    assert alice.post(f"/media/{media.pk}/retry").status_code == 302
    media.refresh_from_db()
    assert media.status == "queued" and media.error == ""


@pytest.mark.parametrize("status, offered", [("done", True), ("error", True), ("queued", False), ("working", False)])
def test_it_offers_re_analyse_for_finished_media(alice, study, status, offered):
    media = MediaFactory(study=study, status=status)
    html = alice.get(f"/media/{media.pk}/").content.decode()
    assert (f'action="/media/{media.pk}/reanalyse"' in html) is offered


def test_re_analyse_requeues_at_the_provider_and_keeps_the_results_shown(alice, analysed, redis_db):
    Media.objects.filter(pk=analysed.pk).update(job_url="http://provider.example/jobs/4")
    response = alice.post(f"/media/{analysed.pk}/reanalyse", follow=True)
    assert "analysis restarted" in response.content.decode()
    analysed.refresh_from_db()
    assert analysed.status == "queued" and analysed.faces.count() == 2
    assert [j.func_name for j in get_queue("default").get_jobs()] == ["affectweb.dashboard.tasks.rerun"]
    assert alice.get(f"/media/{analysed.pk}/reanalyse").status_code == 405


def test_re_analyse_does_nothing_to_media_in_flight(alice, study, redis_db):
    media = MediaFactory(study=study, status="working", job_url="http://provider.example/jobs/5")
    alice.post(f"/media/{media.pk}/reanalyse")
    media.refresh_from_db()
    assert media.status == "working" and get_queue("default").get_jobs() == []
