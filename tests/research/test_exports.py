"""Study downloads: long CSV, per-group CSV, marker summaries, iMotions text."""

import csv
import io
import zipfile

import pytest

from affectweb.research.models import Marker
from tests.research.helpers import analysed


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def two(study):
    a = analysed(study, 20, seconds=2, faces=2, annotations={"age": "young", "city": "Paris, FR"}, name="a.webm")
    b = analysed(study, 60, seconds=2, offset=1.5, annotations={"age": "old"}, name="b.webm")
    Marker.objects.create(study=study, name="all", start=0.0, end=3.5)
    return a, b


def test_it_exports_every_frame_in_long_format(alice, study, two):
    a, b = two
    response = alice.get(f"/research/studies/{study.pk}/long.csv")
    assert response["Content-Disposition"].endswith('long.csv"')
    rows = _csv(response)
    assert len(rows) == 20 * 2 + 20  # frames × faces of a, then of b
    first_b = next(r for r in rows if r["media_id"] == str(b.pk))
    assert first_b["stimulus_time"] == "1.500" and first_b["media_time"] == "0.000"
    assert first_b["age"] == "old" and first_b["city"] == "" and first_b["joy"] == "60"
    assert {r["face"] for r in rows if r["media"] == "a.webm"} == {"0", "1"}
    assert rows[0]["city"] == "Paris, FR"  # quoted, still one column


def test_it_exports_the_group_curves(alice, study, two):
    rows = _csv(alice.get(f"/research/studies/{study.pk}/groups.csv", {"metric": "joy", "by": "age"}))
    assert {r["group"] for r in rows} == {"all", "old", "young"}
    at = {(r["group"], r["stimulus_time"]): r for r in rows}
    assert at[("all", "1.600")]["n"] == "2" and float(at[("all", "1.600")]["mean"]) == 40
    assert float(at[("young", "0.500")]["mean"]) == 20 and at[("old", "0.500")]["n"] == "0"
    # Two participants: the ±12.7 sd interval the group view refuses to draw is left out here too.
    assert (at[("all", "1.600")]["ci_low"], at[("all", "1.600")]["ci_high"]) == ("", "")


def test_the_group_curves_keep_their_interval_in_the_metrics_range(alice, study):
    for joy in (20, 40, 60):
        analysed(study, joy, seconds=2)
    rows = _csv(alice.get(f"/research/studies/{study.pk}/groups.csv", {"metric": "joy"}))
    row = next(r for r in rows if r["stimulus_time"] == "1.000")
    assert row["n"] == "3" and float(row["ci_low"]) == 0.0 and float(row["ci_high"]) == pytest.approx(89.69, abs=0.01)
    assert alice.get(f"/research/studies/{study.pk}/groups.csv", {"metric": "x"}).status_code == 400


def test_it_exports_marker_summaries_for_every_metric(alice, study, two):
    rows = _csv(alice.get(f"/research/studies/{study.pk}/markers.csv", {"by": "age"}))
    joy = {r["group"]: r for r in rows if r["metric"] == "joy"}
    assert float(joy["young"]["mean"]) == 20 and float(joy["old"]["mean"]) == 60
    assert {r["metric"] for r in rows} >= {"joy", "valence", "engagement"}


def test_it_exports_imotions_text_per_respondent(alice, study, two):
    a, b = two
    response = alice.get(f"/research/studies/{study.pk}/imotions.zip")
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        names = sorted(zf.namelist())
        text = zf.read(next(n for n in names if n.startswith(f"{b.pk}-"))).decode()
    assert len(names) == 2
    head, _, body = text.partition("\n\n")
    assert head.startswith(f"#Study : {study.name}\n#Date : ") and "#Respondent age : old" in head
    lines = body.splitlines()
    columns = lines[0].split("\t")
    assert columns[:15] == ["StudyName", "ExportDate", "Name", "Age", "Gender", "StimulusName", "SlideType",
                            "EventSource", "Timestamp", "MediaTime", "PostMarker", "Annotation", "FrameNo",
                            "FrameTime", "NoOfFaces"]
    assert "Joy" in columns and "FaceRect Width" in columns
    row = dict(zip(columns, lines[2].split("\t")))
    assert row["Timestamp"] == "1600" and row["MediaTime"] == "100" and row["Age"] == "old"
    assert float(row["Joy"]) == 60 and row["NoOfFaces"] == "1" and row["FaceRect Width"] == "30.0"
    assert row["EventSource"] == "affectweb" and "AFFDEX" not in text
    assert row["PostMarker"] == "all" and row["Annotation"] == "age: old"


# Participants answer free-text questions without logging in: what they type must not
# run as a formula in the researcher's spreadsheet (CSV injection).
ATTACK = '=cmd|" /C calc"!A0'


@pytest.fixture
def hostile(study):
    media = analysed(study, lambda t, f: -12.5, seconds=1, annotations={"note": ATTACK, "city": "@Paris\t=1+1"},
                     name="+clip.webm")
    Marker.objects.create(study=study, name="-start", start=0.0, end=0.5)
    return media


def test_it_neutralises_formulas_in_the_long_csv(alice, study, hostile):
    rows = _csv(alice.get(f"/research/studies/{study.pk}/long.csv"))
    assert rows[0]["note"] == "'" + ATTACK and rows[0]["city"] == "'@Paris\t=1+1" and rows[0]["media"] == "'+clip.webm"
    assert rows[0]["joy"] == "-12.5"  # a negative number is data: still a number


def test_it_neutralises_formulas_in_group_and_marker_csvs(alice, study, hostile):
    groups = _csv(alice.get(f"/research/studies/{study.pk}/groups.csv", {"metric": "joy", "by": "note"}))
    assert {r["group"] for r in groups} == {"all", "'" + ATTACK}
    assert float(groups[0]["mean"]) == -12.5 and groups[0]["mean"].startswith("-")
    by_link = _csv(alice.get(f"/research/studies/{study.pk}/groups.csv", {"metric": "joy", "by": "=HYPERLINK(1)"}))
    assert by_link[0]["group_by"] == "'=HYPERLINK(1)"  # a crafted download link is no way in either
    markers = _csv(alice.get(f"/research/studies/{study.pk}/markers.csv", {"by": "note"}))
    assert {r["marker"] for r in markers} == {"'-start"} and "'" + ATTACK in {r["group"] for r in markers}


def test_it_neutralises_formulas_in_imotions_headers_and_rows(alice, study, hostile):
    response = alice.get(f"/research/studies/{study.pk}/imotions.zip")
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        text = zf.read(zf.namelist()[0]).decode()
    head, _, body = text.partition("\n\n")
    assert f"#Respondent note : '{ATTACK}\n" in head
    assert "#Respondent city : '@Paris =1+1\n" in head  # the tab would have started a new cell
    lines = body.splitlines()
    row = dict(zip(lines[0].split("\t"), lines[1].split("\t")))
    assert len(lines[1].split("\t")) == len(lines[0].split("\t"))
    assert row["Name"] == "'+clip.webm" and row["Joy"] == "-12.5"
    assert not any(c.startswith(("=", "+", "@")) for line in lines for c in line.split("\t"))


def test_imotions_rows_name_the_markers_of_their_moment(alice, study, two):
    a, b = two
    Marker.objects.create(study=study, name="logo", start=2.0, end=None)  # a point on the stimulus
    Marker.objects.create(study=study, media=b, name="laugh", start=0.5, end=0.8)  # b's own time
    with zipfile.ZipFile(io.BytesIO(alice.get(f"/research/studies/{study.pk}/imotions.zip").content)) as zf:
        text = zf.read(next(n for n in zf.namelist() if n.startswith(f"{b.pk}-"))).decode()
    lines = text.partition("\n\n")[2].splitlines()
    rows = [dict(zip(lines[0].split("\t"), line.split("\t"))) for line in lines[1:]]
    at = {r["MediaTime"]: r["PostMarker"] for r in rows}
    assert at["0"] == "all" and at["500"] == "all; logo; laugh" and at["700"] == "all; laugh"
    assert at["1900"] == "all"  # stimulus time 3.4 s, inside "all" (0 – 3.5 s)
    assert sum("logo" in m for m in at.values()) == 1
