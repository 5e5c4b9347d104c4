"""The three representations, parsed back."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from affectweb.analysis.types import MediaInfo, SessionResult, Track
from affectweb.analysis.vocabulary import CONFIGURATION, METRICS
from affectweb.analysis.writers import CSV_HEADER, number, write_csv, write_metrics_json, write_session_json


def _result() -> SessionResult:
    """Three frames: face "0" in 0 and 1, face "1" (larger) in 1, nobody in 2."""
    info = MediaInfo("video", "mov,mp4", "h264", 640, 360, 0, 0.1, 30.0, 3)

    def track(face_id, indices, size):
        n = len(indices)
        metrics = {m: np.full(n, 1.23456789, dtype=np.float32) for m in METRICS}
        metrics["face box width"] = np.full(n, size, dtype=np.float32)
        metrics["face box height"] = np.full(n, size, dtype=np.float32)
        metrics["joy"] = np.arange(n, dtype=np.float32) * 50
        return Track(face_id, np.asarray(indices, dtype=np.int32), metrics)

    return SessionResult(info, np.array([0.0, 1 / 30, 2 / 30]), [track("0", [0, 1], 50), track("1", [1], 80)],
                         dict(CONFIGURATION))


def test_it_writes_session_json():
    out = io.StringIO()
    write_session_json(_result(), out)
    doc = json.loads(out.getvalue())
    assert list(doc) == ["content_type", "configuration", "frames"]
    assert doc["content_type"] == "application/vnd.affectiva.session.v0+json"
    assert [f["time"] for f in doc["frames"]] == [0, pytest.approx(0.033333), pytest.approx(0.066667)]
    assert list(doc["frames"][1]["faces"]) == ["0", "1"] and doc["frames"][2]["faces"] == {}
    face = doc["frames"][1]["faces"]["0"]
    assert list(face) == list(METRICS) and face["joy"] == 50 and face["smile"] == 1.2346


def test_it_writes_the_legacy_metrics_json():
    out = io.StringIO()
    write_metrics_json(_result(), out)
    doc = json.loads(out.getvalue())
    assert doc["content_type"] == "application/vnd.affectiva.metrics.v0+json" and doc["pack"] == "current-pack"
    assert set(doc["metric_map"]) == set(METRICS)
    assert doc["metrics"]["time stamp (msec)"] == [0, 33.333, 66.667]
    assert doc["metrics"]["face box width"] == [50, 80, "TF"]  # the largest face per frame
    assert all(len(v) == 3 for v in doc["metrics"].values())


def test_it_writes_csv_with_tf_rows():
    out = io.StringIO()
    write_csv(_result(), out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_HEADER and rows[0][:3] == ["time stamp (msec)", "face id", "joy"]
    assert [r[:2] for r in rows[1:]] == [["0", "0"], ["33.333", "0"], ["33.333", "1"], ["66.667", "TF"]]
    assert set(rows[-1][1:]) == {"TF"} and len(rows[-1]) == len(CSV_HEADER)


def test_it_writes_compact_numbers():
    assert [number(x) for x in (1.0, -0.00001, 12.345678, float("nan"))] == ["1", "0", "12.3457", "null"]


def test_it_writes_a_real_session(fixtures_dir, analysed):
    result = analysed(fixtures_dir / "single_face.mp4")
    out = io.StringIO()
    write_session_json(result, out)
    frames = json.loads(out.getvalue())["frames"]
    assert len(frames) == 72 and all(list(f["faces"]) == ["0"] for f in frames)
