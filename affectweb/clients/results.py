"""The three result formats of the Media API, read into per-face arrays.

Session v0 JSON (every face), the legacy metrics v0 JSON (one face) and CSV. Whatever
numeric metrics a document carries are kept; nothing here lists them. Plain Python and
NumPy, no Django: the dashboard stores what these parsers return, and a script can use
them on a downloaded result as well.
"""

from __future__ import annotations

import csv
import json
from array import array
from dataclasses import dataclass
from typing import IO

import numpy as np

from affectweb.clients.jsonstream import MalformedJSON, Reader
from affectweb.protocols.affectiva import CSV_TYPES, FACE_COLUMN, METRICS_V0, NO_FACE, SESSION_V0, TIME_COLUMN


class ResultError(Exception):
    """The document is not a result we can read. The message is meant for a person."""


@dataclass
class FaceData:
    face_id: str
    frames: np.ndarray  # int32 frame indices, increasing
    times: np.ndarray  # float64 seconds
    metrics: dict[str, np.ndarray]  # name -> float32, aligned with frames


@dataclass
class ParsedResult:
    frame_count: int
    faces: list[FaceData]  # in order of first appearance


class _Row:
    """One face in one frame, compact: a shared key tuple and a float32 array."""

    __slots__ = ("keys", "values")

    def __init__(self, keys: tuple[str, ...], values: array):
        self.keys = keys
        self.values = values


def _session_hook():
    # json builds every object bottom-up through this hook. Face metric objects (all
    # values numbers) become a _Row at once, so an hour of 30 fps video never exists as
    # millions of Python floats; their key tuples are shared through `keys_seen`.
    keys_seen: dict[tuple[str, ...], tuple[str, ...]] = {}

    def hook(pairs: list[tuple[str, object]]):
        if pairs:
            keys, values = zip(*pairs)
            if "time" not in keys:  # a frame, even one with only numbers, stays a dict
                try:
                    return _Row(keys_seen.setdefault(keys, keys), array("f", values))
                except TypeError:  # a non-numeric value: not a face's metrics
                    pass
        return dict(pairs)

    return hook


def _as_row(value: object) -> _Row | None:
    if isinstance(value, _Row):
        return value
    if isinstance(value, dict):  # a face with non-numeric extras (e.g. appearance labels)
        items = [(k, v) for k, v in value.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if items:
            return _Row(tuple(k for k, _ in items), array("f", [v for _, v in items]))
    return None


def _stack(rows: list[_Row]) -> tuple[list[str], np.ndarray]:
    """Rows of one face → (column names, float32 matrix); NaN where a frame lacks a metric."""
    groups: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(id(row.keys), []).append(i)
    columns: dict[str, int] = {}
    for idx in groups.values():
        for k in rows[idx[0]].keys:
            columns.setdefault(k, len(columns))
    if len(groups) == 1:  # the usual case: every frame has the same metrics
        flat = np.frombuffer(b"".join(r.values for r in rows), dtype=np.float32)
        return list(columns), flat.reshape(len(rows), len(columns))
    matrix = np.full((len(rows), len(columns)), np.nan, dtype=np.float32)
    for idx in groups.values():
        keys = rows[idx[0]].keys
        block = np.frombuffer(b"".join(rows[i].values for i in idx), dtype=np.float32)
        matrix[np.ix_(idx, [columns[k] for k in keys])] = block.reshape(len(idx), len(keys))
    return list(columns), matrix


def _frames(reader: Reader) -> tuple[list[float], dict[str, tuple[list[int], list[_Row]]]]:
    """Every frame's time, and per face the frames it is in and its rows there."""
    times: list[float] = []
    faces: dict[str, tuple[list[int], list[_Row]]] = {}
    found = False
    for key in reader.items():
        if key != "frames":
            reader.value()  # content_type, configuration: nothing to store
            continue
        if reader.peek() != "[":
            raise ResultError("The session JSON has no list of frames.")
        found = True
        for i, frame in enumerate(reader.elements()):
            if not isinstance(frame, dict) or not isinstance(frame.get("time"), (int, float)):
                raise ResultError(f"Frame {i} of the session JSON has no time.")
            times.append(frame["time"])
            for face_id, value in (frame.get("faces") or {}).items():
                row = _as_row(value)
                if row is not None:
                    entry = faces.setdefault(str(face_id), ([], []))
                    entry[0].append(i)
                    entry[1].append(row)
    if not found:
        raise ResultError("The session JSON has no list of frames.")
    return times, faces


def parse_session(fh: IO[str]) -> ParsedResult:
    # Streamed frame by frame: an hour of video is ~300 MB of text that never needs to
    # be in memory at once; each face's metrics shrink to a _Row as they are decoded.
    reader = Reader(fh, json.JSONDecoder(object_pairs_hook=_session_hook()))
    try:
        times, faces = _frames(reader)
    except MalformedJSON as e:
        raise ResultError(f"The session JSON is malformed: {e}.") from e
    all_times = np.asarray(times, dtype=np.float64)
    out = []
    for face_id in list(faces):  # popped as stacked: one copy of the metrics at a time
        indices, rows = faces.pop(face_id)
        names, matrix = _stack(rows)
        frame_idx = np.asarray(indices, dtype=np.int32)
        out.append(FaceData(face_id, frame_idx, all_times[frame_idx],
                            {n: np.ascontiguousarray(matrix[:, j]) for j, n in enumerate(names)}))
    return ParsedResult(len(all_times), out)


def _number(cell: object) -> float:
    try:
        return float(cell)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return np.nan  # NO_FACE, empty, or a label


def _from_columns(columns: dict[str, list], face_ids: list[str] | None) -> ParsedResult:
    """Frame-per-row tables (legacy JSON, CSV) → faces. A row is a face in a frame."""
    if TIME_COLUMN not in columns:
        raise ResultError(f"The result has no '{TIME_COLUMN}' column.")
    stamps = np.array([_number(v) for v in columns.pop(TIME_COLUMN)], dtype=np.float64)
    values = {name: np.array([_number(v) for v in col], dtype=np.float32) for name, col in columns.items()}
    values = {name: col for name, col in values.items() if not np.isnan(col).all()}
    if not values:
        return ParsedResult(len(np.unique(stamps[~np.isnan(stamps)])), [])
    seen = ~np.isnan(np.vstack(list(values.values()))).all(axis=0) & ~np.isnan(stamps)
    unique_stamps, frame_of_row = np.unique(stamps, return_inverse=True)
    ids = np.array(face_ids if face_ids is not None else ["0"] * len(stamps))
    seen &= ids != NO_FACE
    faces = []
    for face_id in dict.fromkeys(ids[seen]):
        rows = np.flatnonzero(seen & (ids == face_id))
        faces.append(FaceData(str(face_id), frame_of_row[rows].astype(np.int32), stamps[rows] / 1000.0,
                              {name: col[rows] for name, col in values.items()}))
    return ParsedResult(int(np.count_nonzero(~np.isnan(unique_stamps))), faces)


def parse_legacy(fh: IO[str]) -> ParsedResult:
    try:
        metrics = json.load(fh).get("metrics")
    except (ValueError, AttributeError) as e:
        raise ResultError("The metrics JSON is malformed.") from e
    if not isinstance(metrics, dict) or not all(isinstance(v, list) for v in metrics.values()):
        raise ResultError("The metrics JSON has no table of metrics.")
    return _from_columns(dict(metrics), None)


def parse_csv(fh: IO[str]) -> ParsedResult:
    reader = csv.reader(fh)
    header = [h.strip() for h in next(reader, [])]
    rows = [r for r in reader if r]
    table = {name: [r[j] if j < len(r) else "" for r in rows] for j, name in enumerate(header)}
    face_ids = [v.strip() for v in table.pop(FACE_COLUMN)] if FACE_COLUMN in table else None
    return _from_columns(table, face_ids)


def parse(fh: IO[str], content_type: str) -> ParsedResult:
    """Parse a result document read from a text file (utf-8-sig: CSVs may carry a BOM)."""
    ctype = content_type.split(";")[0].strip()
    if ctype == SESSION_V0:
        return parse_session(fh)
    if ctype == METRICS_V0:
        return parse_legacy(fh)
    if ctype in CSV_TYPES:
        return parse_csv(fh)
    raise ResultError(f"Results of type {content_type!r} are not supported.")
