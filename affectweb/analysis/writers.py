"""The three result representations, streamed to a text file object.

Documents are written frame by frame (or metric by metric) and never built in memory,
so an hour of video does not need a gigabyte of Python dicts. Numbers are rounded to 4
decimals (pixel measurements to 2, time stamps to milliseconds with 3) to keep the files
small; `-0` and trailing zeros are dropped.
"""

from __future__ import annotations

import json
import math
from typing import IO, Iterator

from affectweb.protocols.affectiva import FACE_COLUMN, METRICS_V0, NO_FACE, SESSION_V0, TIME_COLUMN

from .types import SessionResult, Track
from .vocabulary import METRICS, PIXEL_METRICS

CSV_HEADER: tuple[str, ...] = (TIME_COLUMN, FACE_COLUMN, *METRICS)


def number(value: float, decimals: int = 4) -> str:
    """Compact JSON/CSV number: 12.3457, 0, -3.5; non-finite values become null."""
    value = float(value)
    if not math.isfinite(value):
        return "null"
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _decimals(metric: str) -> int:
    return 2 if metric in PIXEL_METRICS else 4


def msec(seconds: float) -> str:
    return number(seconds * 1000.0, 3)


def iter_frames(result: SessionResult) -> Iterator[tuple[int, float, list[tuple[Track, int]]]]:
    """(frame index, time, [(track, position in track), ...]) for every analysed frame,
    walking all tracks with one cursor each: O(frames + observations)."""
    tracks = sorted(result.tracks, key=lambda t: int(t.face_id) if t.face_id.isdigit() else t.face_id)
    cursors = [0] * len(tracks)
    for index, time in enumerate(result.times.tolist()):
        faces = []
        for k, track in enumerate(tracks):
            pos = cursors[k]
            if pos < len(track.frame_indices) and track.frame_indices[pos] == index:
                faces.append((track, pos))
                cursors[k] = pos + 1
        yield index, time, faces


def write_session_json(result: SessionResult, f: IO[str]) -> None:
    f.write('{"content_type": "%s",\n"configuration": ' % SESSION_V0)
    f.write(json.dumps(result.configuration))
    f.write(',\n"frames": [')
    for index, time, faces in iter_frames(result):
        if index:
            f.write(",")
        body = ", ".join(
            "%s: {%s}" % (
                json.dumps(track.face_id),
                ", ".join(f"{json.dumps(m)}: {number(track.metrics[m][pos], _decimals(m))}" for m in METRICS),
            )
            for track, pos in faces
        )
        f.write('\n{"time": %s, "faces": {%s}}' % (number(time, 6), body))
    f.write("\n]}\n")


def primary_faces(result: SessionResult) -> list[tuple[Track, int] | None]:
    """Per frame, the largest face (by box area) – the single face of the legacy format."""
    chosen: list[tuple[Track, int] | None] = []
    for _, _, faces in iter_frames(result):
        if not faces:
            chosen.append(None)
            continue
        chosen.append(max(faces, key=lambda tp: float(tp[0].metrics["face box width"][tp[1]])
                          * float(tp[0].metrics["face box height"][tp[1]])))
    return chosen


def write_metrics_json(result: SessionResult, f: IO[str], pack: str = "current-pack") -> None:
    """Legacy one-face document: one array per metric, NO_FACE where no face was found."""
    chosen = primary_faces(result)
    f.write('{"content_type": "%s",\n"pack": %s,\n"metric_map": ' % (METRICS_V0, json.dumps(pack)))
    f.write(json.dumps({m: result.configuration.get(m, m) for m in METRICS}))
    f.write(',\n"metrics": {\n%s: [' % json.dumps(TIME_COLUMN))
    f.write(", ".join(msec(t) for t in result.times.tolist()))
    f.write("]")
    no_face = json.dumps(NO_FACE)
    for metric in METRICS:
        d = _decimals(metric)
        f.write(",\n%s: [" % json.dumps(metric))
        f.write(", ".join(
            no_face if c is None else number(c[0].metrics[metric][c[1]], d) for c in chosen
        ))
        f.write("]")
    f.write("\n}}\n")


def _csv_cell(text: str) -> str:
    return '"%s"' % text.replace('"', '""') if any(ch in text for ch in ',"\n') else text


def write_csv(result: SessionResult, f: IO[str]) -> None:
    """One row per frame and face; a frame without faces is one row of TF."""
    f.write(",".join(_csv_cell(c) for c in CSV_HEADER) + "\n")
    empty = ",".join([NO_FACE] * (len(METRICS) + 1))
    for _, time, faces in iter_frames(result):
        stamp = msec(time)
        if not faces:
            f.write(f"{stamp},{empty}\n")
        for track, pos in faces:
            values = ",".join(number(track.metrics[m][pos], _decimals(m)) for m in METRICS)
            f.write(f"{stamp},{_csv_cell(track.face_id)},{values}\n")

