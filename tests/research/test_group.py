"""The group view: known curves in, known means, bands, groups, peaks and markers out."""

import math

import pytest

from affectweb.research.group import group_data
from affectweb.research.models import SeriesCache
from tests.factories import MarkerFactory
from tests.research.helpers import analysed


def test_it_aligns_participants_and_averages_them(study):
    analysed(study, 20, seconds=5)
    analysed(study, 40, seconds=5, offset=2.0)  # on the stimulus from 2 s to 7 s
    data = group_data(study, "joy")
    t = data["times"]
    assert data["step"] == 0.1 and t[-1] == pytest.approx(7.0)
    at = {round(x, 1): i for i, x in enumerate(t)}
    assert data["mean"][at[1.0]] == 20 and data["n"][at[1.0]] == 1
    assert data["mean"][at[3.0]] == 30 and data["n"][at[3.0]] == 2
    assert data["faces"][at[3.0]] == 2 and data["faces"][at[6.0]] == 1
    # two values 20 and 40: sd 14.14, half-width 12.706 · 14.14 / √2
    assert data["high"][at[3.0]] - 30 == pytest.approx(12.706 * 20 / math.sqrt(2) / math.sqrt(2), abs=0.01)
    assert data["low"][at[1.0]] is None  # one participant: no band


def test_it_overlays_groups_by_an_annotation_key(study):
    analysed(study, 10, annotations={"age": "young"})
    analysed(study, 30, annotations={"age": "young"})
    analysed(study, 90, annotations={"age": "old"})
    analysed(study, 50)
    data = group_data(study, "joy", "age")
    assert data["keys"] == ["age"]
    groups = {g["label"]: g for g in data["groups"]}
    assert list(groups) == ["old", "young", "(no value)"]
    assert groups["young"]["mean"][5] == 20 and groups["young"]["participants"] == 2
    assert groups["old"]["mean"][5] == 90 and groups["old"]["low"][5] is None
    assert data["mean"][5] == 45


def test_it_finds_peaks_and_dips_of_the_mean(study):
    bump = lambda t, f: 80.0 if 3.0 <= t < 3.5 else (5.0 if 7.0 <= t < 7.5 else 40.0)  # noqa: E731
    analysed(study, bump)
    data = group_data(study, "joy")
    assert data["peaks"][0]["value"] == 80 and 3.0 <= data["peaks"][0]["time"] < 3.5
    assert any(d["value"] == 5 and 7.0 <= d["time"] < 7.5 for d in data["dips"])


def test_it_summarises_markers_per_group(study):
    analysed(study, lambda t, f: 10.0 * t, annotations={"cond": "A"})
    analysed(study, 50, annotations={"cond": "B"})
    MarkerFactory(study=study, name="scene", start=2.0, end=4.0)
    rows = group_data(study, "joy", "cond")["summaries"]
    by = {r["group"]: r for r in rows}
    assert by["A"]["mean"] == pytest.approx(30.0, abs=0.5) and by["A"]["n"] == 1
    assert by["B"]["mean"] == 50


def test_it_caches_resampled_media_and_invalidates_on_a_new_offset(study):
    m = analysed(study, 20, seconds=3)
    group_data(study, "joy")
    assert SeriesCache.objects.filter(media=m, metric="joy").count() == 1
    from affectweb.research.models import Alignment
    Alignment.objects.create(media=m, offset=1.0)
    data = group_data(study, "joy")
    assert data["mean"][5] is None and data["mean"][15] == 20
    assert SeriesCache.objects.get(media=m, metric="joy").offset == 1.0


def test_it_serves_the_page_and_the_json(alice, study):
    analysed(study, 20, annotations={"age": "young"})
    MarkerFactory(study=study, name="opening", start=0.0, end=1.0)
    page = alice.get(f"/research/studies/{study.pk}/")
    assert page.status_code == 200 and b"group-data" in page.content and b"opening" in page.content
    r = alice.get(f"/research/studies/{study.pk}/group.json", {"metric": "joy", "by": "age"})
    assert r.status_code == 200 and r.json()["groups"][0]["label"] == "young"
    assert alice.get(f"/research/studies/{study.pk}/group.json", {"metric": "nope"}).status_code == 400


def test_it_warms_the_cache_after_ingestion(study):
    from affectweb.research.tasks import warm
    m = analysed(study, 20, seconds=3, offset=0.5)
    warm(m.pk)
    cached = SeriesCache.objects.get(media=m, metric="joy")
    assert cached.offset == 0.5 and cached.start == 5 and len(bytes(cached.values)) == 4 * 30
    assert group_data(study, "joy")["mean"][20] == 20  # served from the cache


def test_it_bounds_a_recording_without_a_stated_duration_by_its_faces(study):
    m = analysed(study, 20, seconds=3)
    m.duration = 0
    m.save()
    assert group_data(study, "joy")["times"][-1] == pytest.approx(2.9)


def test_it_summarises_a_marker_on_one_media_on_the_stimulus_timeline(study):
    m = analysed(study, lambda t, f: 10.0 * t, offset=2.0, name="p1.webm")
    analysed(study, 99)
    MarkerFactory(study=study, media=m, name="laugh", start=1.0, end=3.0)  # media time
    row = next(r for r in group_data(study, "joy")["summaries"] if r["marker"] == "laugh")
    assert (row["start"], row["end"], row["group"], row["n"]) == (3.0, 5.0, "p1.webm", 1)
    assert row["mean"] == pytest.approx(20.0, abs=0.5)  # that media alone, not the 99s


def test_deleting_a_study_removes_its_stimulus_and_unfinished_recordings(study, django_capture_on_commit_callbacks):
    from pathlib import Path
    from affectweb.research import chunks, recordings
    from affectweb.research.models import Recording
    from tests.factories import ParticipantLinkFactory, StimulusFactory
    stimulus = StimulusFactory(study=study)
    rec = Recording.objects.create(link=ParticipantLinkFactory(study=study))
    recordings.append_chunk(rec, 0, b"x" * 10)
    path = Path(stimulus.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        study.delete()
    assert not path.exists() and not (chunks.root() / rec.key).exists()
