import gzip
import io
import json

import numpy as np
import pytest

from affectweb.protocols.affectiva import METRICS_V0, SESSION_V0
from affectweb.clients.results import ResultError
from affectweb.dashboard.ingest import reingest
from affectweb.dashboard.models import FaceTrack
from tests.clients.fake_provider import session_json
from tests.dashboard.helpers import ingest_bytes, parse_bytes
from tests.factories import MediaFactory


def _state(media):
    media.refresh_from_db()
    faces = [(f.pk, f.face_id, f.frame_count, bytes(f.data)) for f in FaceTrack.objects.filter(media=media)]
    return media.result_file.name, media.result_sha256, media.metric_names, faces


def test_it_stores_one_row_per_face_with_typed_arrays(analysed):
    face0, face1 = FaceTrack.objects.filter(media=analysed)
    assert (face0.face_id, face0.frame_count, face1.face_id, face1.frame_count) == ("0", 30, "1", 25)
    arrays = face1.arrays()
    assert arrays["frames"].dtype == np.int32 and arrays["frames"][0] == 5
    assert arrays["times"][0] == pytest.approx(0.5)
    assert arrays["joy"].dtype == np.float32 and arrays["joy"][0] == (5 * 7 + 13) % 100
    assert analysed.metric_names == ["joy", "sadness", "valence", "engagement", "smile", "face box x",
                                     "face box y", "face box width", "face box height"]
    assert face0.summary["joy"] == {"mean": 48.17, "peak": 98.0, "peak_time": 1.4}
    assert 0 < face0.summary["expressive"] < 1


def test_it_keeps_the_raw_document_compressed(analysed):
    with analysed.result_file.open("rb") as fh:
        assert fh.read(2) == b"\x1f\x8b"
    assert reingest(analysed)
    assert FaceTrack.objects.filter(media=analysed).count() == 2


def test_it_is_idempotent(analysed):
    before = _state(analysed)
    assert not ingest_bytes(analysed, session_json(frames=30, faces=2), SESSION_V0)
    assert _state(analysed) == before


def test_it_replaces_results_atomically_when_a_crash_interrupts(analysed, monkeypatch):
    before = _state(analysed)

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(FaceTrack.objects, "bulk_create", crash)
    with pytest.raises(RuntimeError):
        ingest_bytes(analysed, session_json(frames=10, faces=1), SESSION_V0)
    assert _state(analysed) == before
    with gzip.open(analysed.result_file.path) as fh:  # the previous raw document is intact
        assert fh.read() == session_json(frames=30, faces=2)


def test_it_replaces_results_with_a_new_document(analysed, django_capture_on_commit_callbacks):
    old_file = analysed.result_file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert ingest_bytes(analysed, session_json(frames=10, faces=1), SESSION_V0)
    assert FaceTrack.objects.filter(media=analysed).get().frame_count == 10
    assert not analysed.result_file.storage.exists(old_file)


def test_it_keeps_any_numeric_metric_and_tolerates_uneven_frames():
    doc = {"content_type": SESSION_V0, "frames": [
        {"time": 0.0, "faces": {"7": {"joy": 1, "new metric": 2.5, "gender": "unknown"}}},
        {"time": 0.1, "faces": {}},
        {"time": 0.2, "faces": {"7": {"joy": 3.0}}},
    ]}
    result = parse_bytes(json.dumps(doc).encode(), SESSION_V0)
    assert result.frame_count == 3
    [face] = result.faces
    assert face.frames.tolist() == [0, 2]
    assert face.metrics["joy"].tolist() == [1.0, 3.0]
    assert face.metrics["new metric"][0] == 2.5 and np.isnan(face.metrics["new metric"][1])
    assert "gender" not in face.metrics


def test_it_reads_the_legacy_metrics_json():
    doc = {"content_type": METRICS_V0, "metrics": {
        "time stamp (msec)": [0, 33, 66, 100], "joy": [1, "TF", 3, 4], "smile": [5, "TF", 7, 8]}}
    [face] = parse_bytes(json.dumps(doc).encode(), METRICS_V0).faces
    assert face.frames.tolist() == [0, 2, 3]
    assert face.times.tolist() == [0.0, 0.066, 0.1]
    assert face.metrics["smile"].tolist() == [5, 7, 8]


def test_it_reads_csv_with_several_faces():
    csv = ("time stamp (msec),face id,joy,anger\n0,0,10,1\n0,1,20,2\n40,TF,TF,TF\n80,1,30,3\n").encode()
    result = parse_bytes(csv, "application/csv")
    assert result.frame_count == 3
    first, second = result.faces
    assert (first.face_id, first.frames.tolist(), first.metrics["joy"].tolist()) == ("0", [0], [10])
    assert (second.face_id, second.frames.tolist(), second.metrics["anger"].tolist()) == ("1", [0, 2], [2, 3])


@pytest.mark.parametrize("raw,ctype", [(b'{"frames": [', SESSION_V0), (b'{"frames": 3}', SESSION_V0),
                                       (b"{}", METRICS_V0), (b"joy\n1\n", "application/csv"),
                                       (b"x", "image/png")])
def test_it_explains_unreadable_documents(raw, ctype):
    with pytest.raises(ResultError):
        parse_bytes(raw, ctype)


def test_it_ingests_a_media_without_faces(study):
    media = MediaFactory(study=study)
    assert ingest_bytes(media, json.dumps({"frames": [{"time": 0, "faces": {}}]}).encode(), SESSION_V0)
    assert media.status == "done" and media.frame_count == 1 and not media.faces.exists()


@pytest.fixture(scope="module")
def analysed_video(assets_dir):
    """A real result from the analysis pipeline, written in all three formats."""
    from affectweb.analysis.pipeline import analyze
    from affectweb.analysis.types import AnalysisOptions
    from affectweb.analysis.writers import write_csv, write_metrics_json, write_session_json

    result = analyze(assets_dir / "fixtures/single_face.mp4", AnalysisOptions(workers=1))
    out = {}
    for ctype, write in ((SESSION_V0, write_session_json), (METRICS_V0, write_metrics_json),
                         ("application/csv", write_csv)):
        buf = io.StringIO()
        write(result, buf)
        out[ctype] = buf.getvalue().encode()
    return result, out


def test_it_reads_all_three_formats_the_analysis_writes(analysed_video):
    result, documents = analysed_video
    parsed = {ctype: parse_bytes(raw, ctype) for ctype, raw in documents.items()}
    session = parsed[SESSION_V0]
    assert session.frame_count == len(result.times)
    assert [f.face_id for f in session.faces] == [t.face_id for t in result.tracks]
    for face, track in zip(session.faces, result.tracks):
        assert face.frames.tolist() == track.frame_indices.tolist()
        assert set(face.metrics) == set(track.metrics)
        np.testing.assert_allclose(face.metrics["joy"], track.metrics["joy"], atol=1e-3)
    csv_faces = {f.face_id: f for f in parsed["application/csv"].faces}
    for face in session.faces:
        np.testing.assert_allclose(csv_faces[face.face_id].metrics["joy"], face.metrics["joy"], atol=1e-3)
    [legacy] = parsed[METRICS_V0].faces  # one face per frame: the largest
    assert len(legacy.frames) <= session.frame_count and "joy" in legacy.metrics
