import csv
import io
import json
import zipfile

from affectweb.protocols.affectiva import METRICS_V0
from tests.clients.fake_provider import session_json
from tests.dashboard.helpers import ingest_bytes, parse_bytes
from tests.factories import MediaFactory


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_exports_one_csv_row_per_frame_and_face(alice, analysed):
    response = alice.get(f"/media/{analysed.pk}/export.csv")
    assert response["Content-Disposition"] == f'attachment; filename="{analysed.pk}-clip.csv"'
    rows = list(csv.DictReader(io.StringIO(_body(response).decode())))
    assert len(rows) == 30 + 25
    assert [(r["time stamp (msec)"], r["face id"]) for r in rows[4:8]] == [
        ("400", "0"), ("500", "0"), ("500", "1"), ("600", "0")]
    assert rows[5]["joy"] == "35" and rows[6]["joy"] == "48"


def test_it_exports_csv_that_reads_back_the_same(alice, analysed):
    again = parse_bytes(_body(alice.get(f"/media/{analysed.pk}/export.csv")), "application/csv")
    original = parse_bytes(session_json(frames=30, faces=2), "application/vnd.affectiva.session.v0+json")
    for a, b in zip(again.faces, original.faces):
        assert a.face_id == b.face_id and a.frames.tolist() == b.frames.tolist()
        assert {k: v.tolist() for k, v in a.metrics.items()} == {k: v.tolist() for k, v in b.metrics.items()}


def test_it_exports_the_providers_session_json(alice, analysed):
    assert _body(alice.get(f"/media/{analysed.pk}/session.json")) == session_json(frames=30, faces=2)


def test_it_rebuilds_session_json_from_legacy_results(alice, study):
    media = MediaFactory(study=study)
    ingest_bytes(media, json.dumps({"metrics": {"time stamp (msec)": [0, 100], "joy": [1, "TF"]}}).encode(), METRICS_V0)
    doc = json.loads(_body(alice.get(f"/media/{media.pk}/session.json")))
    assert doc["frames"] == [{"time": 0.0, "faces": {"0": {"joy": 1.0}}}]


def test_it_zips_every_csv_of_a_study(alice, analysed, study):
    MediaFactory(study=study, status="working")  # nothing to export yet: left out
    response = alice.get(f"/studies/{study.pk}/export.zip")
    with zipfile.ZipFile(io.BytesIO(_body(response))) as zf:
        assert zf.namelist() == [f"{analysed.pk}-clip.csv"]
        assert zf.read(zf.namelist()[0]) == _body(alice.get(f"/media/{analysed.pk}/export.csv"))


def test_it_has_no_exports_before_the_analysis_is_done(alice, study):
    media = MediaFactory(study=study, status="queued")
    assert alice.get(f"/media/{media.pk}/export.csv").status_code == 404


def test_it_names_downloads_safely(alice, study):
    media = MediaFactory(study=study, name='a"b/c\r\nd.mp4', status="done")
    response = alice.get(f"/media/{media.pk}/export.csv")
    assert response["Content-Disposition"] == f'attachment; filename="{media.pk}-a_b_c__d.csv"'


def test_it_neutralises_formulas_a_provider_sent(alice, study):
    # Face ids and metric names come from the provider, a remote server: text, never formulas.
    media = MediaFactory(study=study)
    faces = {'=cmd|" /C calc"!A0': {"joy": -3.5, "@evil": 1.0}, "x,=1+1": {"joy": 2.0}}
    ingest_bytes(media, json.dumps({"content_type": "application/vnd.affectiva.session.v0+json",
                                    "frames": [{"time": 0.0, "faces": faces}]}).encode())
    rows = list(csv.reader(io.StringIO(_body(alice.get(f"/media/{media.pk}/export.csv")).decode())))
    assert "'@evil" in rows[0] and "@evil" not in rows[0]
    assert {r[1] for r in rows[1:]} == {'\'=cmd|" /C calc"!A0', "x,=1+1"}  # a comma stays inside its cell
    assert all(len(r) == len(rows[0]) for r in rows)
    assert "-3.5" in rows[1] + rows[2]  # numbers stay numbers
