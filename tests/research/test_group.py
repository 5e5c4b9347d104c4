"""The group view: known curves in, known means, bands, groups, peaks and markers out."""

import math

import pytest

from affectweb.research.group import GroupQuery, group_data
from affectweb.research.models import SeriesCache
from tests.factories import MarkerFactory
from tests.research.helpers import analysed


def test_it_aligns_participants_and_averages_them(study):
    analysed(study, 20, seconds=5)
    analysed(study, 40, seconds=5, offset=2.0)  # on the stimulus from 2 s to 7 s
    data = group_data(study, GroupQuery("joy"))
    t = data["times"]
    assert data["step"] == 0.1 and t[-1] == pytest.approx(7.0)
    at = {round(x, 1): i for i, x in enumerate(t)}
    assert data["mean"][at[1.0]] == 20 and data["n"][at[1.0]] == 1
    assert data["mean"][at[3.0]] == 30 and data["n"][at[3.0]] == 2
    assert data["faces"][at[3.0]] == 2 and data["faces"][at[6.0]] == 1
    # Two participants: an interval (t = 12.7) would say nothing; none is given.
    assert data["low"][at[3.0]] is None and data["high"][at[3.0]] is None and data["min_band_n"] == 3


def test_its_band_needs_three_participants_and_stays_in_the_metrics_range(study):
    for joy in (20, 40, 60):
        analysed(study, joy, seconds=3)
    analysed(study, 90, seconds=1)  # present for the first second only
    data = group_data(study, GroupQuery("joy"))
    # 20, 40, 60: sd 20, half-width 4.303 · 20 / √3 = 49.7; mean 40 → 0 (clipped) … 89.7
    assert data["n"][20] == 3 and data["mean"][20] == 40
    assert data["low"][20] == 0.0 and data["high"][20] == pytest.approx(40 + 4.303 * 20 / math.sqrt(3), abs=0.01)
    assert data["n"][5] == 4 and data["high"][5] <= 100.0
    valence = group_data(study, GroupQuery("valence"))  # every face 0: a zero-width band, not a wide one
    assert valence["low"][20] == valence["high"][20] == 0.0


def test_a_still_never_enters_the_stimulus_timeline(study):
    analysed(study, 20, seconds=3)
    still = analysed(study, 90, seconds=0.1, name="photo.jpg")
    type(still).objects.filter(pk=still.pk).update(kind="image")
    data = group_data(study, GroupQuery("joy"))
    assert data["participants"] == 1 and max(v for v in data["mean"] if v is not None) == 20


def test_only_choice_questions_and_the_researchers_own_keys_group(study):
    from tests.factories import StimulusFactory
    StimulusFactory(study=study)  # "age" is a choice, "note" free text
    analysed(study, 20, annotations={"age": "18-29", "note": "glasses", "condition": "A"})
    data = group_data(study, GroupQuery("joy", "note"))
    assert data["keys"] == ["age", "condition"] and data["by"] == "" and data["groups"] == []


def test_each_group_has_its_own_peaks(study):
    analysed(study, lambda t, f: 80.0 if 2.0 <= t < 2.5 else 10.0, annotations={"cond": "A"})
    analysed(study, lambda t, f: 70.0 if 6.0 <= t < 6.5 else 10.0, annotations={"cond": "B"})
    groups = {g["label"]: g for g in group_data(study, GroupQuery("joy", "cond"))["groups"]}
    assert 2.0 <= groups["A"]["peaks"][0]["time"] < 2.5 and groups["A"]["peaks"][0]["value"] == 80
    assert 6.0 <= groups["B"]["peaks"][0]["time"] < 6.5 and groups["B"]["peaks"][0]["value"] == 70


def test_it_gives_the_share_above_a_threshold_per_moment(study):
    for joy in (20, 60, 80):
        analysed(study, joy, seconds=2, annotations={"cond": "A" if joy < 70 else "B"})
    analysed(study, 90, seconds=1, offset=1.0, annotations={"cond": "B"})
    data = group_data(study, GroupQuery("joy", view="above", threshold=50))
    assert data["above"][""][5] == pytest.approx(66.7) and data["above"][""][12] == 75.0
    by = group_data(study, GroupQuery("joy", "cond", view="above", threshold=70))["above"]
    assert by["A"][5] == 0.0 and by["B"][5] == 100.0


def test_it_gives_each_participant_for_individual_curves_and_the_heatmap(study):
    analysed(study, 20, seconds=2, name="a.mp4")
    analysed(study, 40, seconds=2, offset=1.0, name="b.mp4")
    data = group_data(study, GroupQuery("joy", view="heatmap"))
    a, b = data["people"]
    assert (a["name"], b["name"]) == ("a.mp4", "b.mp4") and len(a["values"]) == len(data["drawn_times"])
    assert a["values"][5] == 20 and b["values"][5] is None and b["values"][15] == 40
    assert "people" not in group_data(study, GroupQuery("joy"))


def test_a_query_from_the_url_falls_back_to_defaults():
    q = GroupQuery.from_params("joy", {"view": "heatmap", "threshold": "150", "by": "age"})
    assert (q.view, q.threshold, q.by) == ("heatmap", 100.0, "age")  # joy stops at 100
    assert GroupQuery.from_params("joy", {"view": "pie", "threshold": "x"}) == GroupQuery("joy")


def test_it_overlays_groups_by_an_annotation_key(study):
    analysed(study, 10, annotations={"age": "young"})
    analysed(study, 30, annotations={"age": "young"})
    analysed(study, 90, annotations={"age": "old"})
    analysed(study, 50)
    data = group_data(study, GroupQuery("joy", "age"))
    assert data["keys"] == ["age"]
    groups = {g["label"]: g for g in data["groups"]}
    assert list(groups) == ["old", "young", "(no value)"]
    assert groups["young"]["mean"][5] == 20 and groups["young"]["participants"] == 2
    assert groups["old"]["mean"][5] == 90 and groups["old"]["low"][5] is None
    assert data["mean"][5] == 45 and data["low"][5] is not None  # four participants: a band


def test_it_finds_peaks_and_dips_of_the_mean(study):
    bump = lambda t, f: 80.0 if 3.0 <= t < 3.5 else (5.0 if 7.0 <= t < 7.5 else 40.0)  # noqa: E731
    analysed(study, bump)
    data = group_data(study, GroupQuery("joy"))
    assert data["peaks"][0]["value"] == 80 and 3.0 <= data["peaks"][0]["time"] < 3.5
    assert any(d["value"] == 5 and 7.0 <= d["time"] < 7.5 for d in data["dips"])


def test_it_summarises_markers_per_group(study):
    analysed(study, lambda t, f: 10.0 * t, annotations={"cond": "A"})
    analysed(study, 50, annotations={"cond": "B"})
    MarkerFactory(study=study, name="scene", start=2.0, end=4.0)
    rows = group_data(study, GroupQuery("joy", "cond"))["summaries"]
    by = {r["group"]: r for r in rows}
    assert by["A"]["mean"] == pytest.approx(30.0, abs=0.5) and by["A"]["n"] == 1
    assert by["B"]["mean"] == 50 and by["B"]["low"] is None  # one participant: no interval


def test_it_caches_resampled_media_and_invalidates_on_a_new_offset(study):
    m = analysed(study, 20, seconds=3)
    group_data(study, GroupQuery("joy"))
    assert SeriesCache.objects.filter(media=m, metric="joy").count() == 1
    from affectweb.research.models import Alignment
    Alignment.objects.create(media=m, offset=1.0)
    data = group_data(study, GroupQuery("joy"))
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
    assert group_data(study, GroupQuery("joy"))["mean"][20] == 20  # served from the cache


def test_it_bounds_a_recording_without_a_stated_duration_by_its_faces(study):
    m = analysed(study, 20, seconds=3)
    m.duration = 0
    m.save()
    assert group_data(study, GroupQuery("joy"))["times"][-1] == pytest.approx(2.9)


def test_it_summarises_a_marker_on_one_media_on_the_stimulus_timeline(study):
    m = analysed(study, lambda t, f: 10.0 * t, offset=2.0, name="p1.webm")
    analysed(study, 99)
    MarkerFactory(study=study, media=m, name="laugh", start=1.0, end=3.0)  # media time
    row = next(r for r in group_data(study, GroupQuery("joy"))["summaries"] if r["marker"] == "laugh")
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
