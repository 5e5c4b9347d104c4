"""Turn a provider's result document into per-face tracks, atomically and idempotently.

Accepts the three result formats of the Media API: session v0 JSON (every face), the
legacy metrics v0 JSON (one face) and CSV. Whatever numeric metrics a document carries
are stored; nothing here lists them.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from affectweb.clients.mediaapi import METRICS_V0, SESSION_V0
from affectweb.dashboard.metrics import EMOTIONS, EXPRESSIVE_THRESHOLD
from affectweb.dashboard.models import FaceTrack, Media

TIME_COLUMN = "time stamp (msec)"
FACE_COLUMN = "face id"
NO_FACE = "TF"  # what the legacy formats write where the tracker found no face


class IngestError(Exception):
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
        if pairs and all(type(v) is float or type(v) is int for _, v in pairs):
            keys = tuple(k for k, _ in pairs)
            if "time" not in keys:
                return _Row(keys_seen.setdefault(keys, keys), array("f", [v for _, v in pairs]))
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


def parse_session(raw: bytes) -> ParsedResult:
    try:
        doc = json.loads(raw, object_pairs_hook=_session_hook())
    except ValueError as e:
        raise IngestError(f"The session JSON is malformed: {e}") from e
    frames = doc.get("frames") if isinstance(doc, dict) else None
    if not isinstance(frames, list):
        raise IngestError("The session JSON has no list of frames.")
    times = np.empty(len(frames), dtype=np.float64)
    faces: dict[str, tuple[list[int], list[_Row]]] = {}
    for i, frame in enumerate(frames):
        if not isinstance(frame, dict) or not isinstance(frame.get("time"), (int, float)):
            raise IngestError(f"Frame {i} of the session JSON has no time.")
        times[i] = frame["time"]
        for face_id, value in (frame.get("faces") or {}).items():
            row = _as_row(value)
            if row is not None:
                entry = faces.setdefault(str(face_id), ([], []))
                entry[0].append(i)
                entry[1].append(row)
    out = []
    for face_id, (indices, rows) in faces.items():
        names, matrix = _stack(rows)
        frame_idx = np.asarray(indices, dtype=np.int32)
        out.append(FaceData(face_id, frame_idx, times[frame_idx],
                            {n: np.ascontiguousarray(matrix[:, j]) for j, n in enumerate(names)}))
    return ParsedResult(len(frames), out)


def _number(cell: object) -> float:
    try:
        return float(cell)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return np.nan  # "TF", empty, or a label


def _from_columns(columns: dict[str, list], face_ids: list[str] | None) -> ParsedResult:
    """Frame-per-row tables (legacy JSON, CSV) → faces. A row is a face in a frame."""
    if TIME_COLUMN not in columns:
        raise IngestError(f"The result has no '{TIME_COLUMN}' column.")
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


def parse_legacy(raw: bytes) -> ParsedResult:
    try:
        metrics = json.loads(raw).get("metrics")
    except (ValueError, AttributeError) as e:
        raise IngestError("The metrics JSON is malformed.") from e
    if not isinstance(metrics, dict) or not all(isinstance(v, list) for v in metrics.values()):
        raise IngestError("The metrics JSON has no table of metrics.")
    return _from_columns(dict(metrics), None)


def parse_csv(raw: bytes) -> ParsedResult:
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
    header = [h.strip() for h in next(reader, [])]
    rows = [r for r in reader if r]
    table = {name: [r[j] if j < len(r) else "" for r in rows] for j, name in enumerate(header)}
    face_ids = [v.strip() for v in table.pop(FACE_COLUMN)] if FACE_COLUMN in table else None
    return _from_columns(table, face_ids)


def parse(raw: bytes, content_type: str) -> ParsedResult:
    ctype = content_type.split(";")[0].strip()
    if ctype == SESSION_V0:
        return parse_session(raw)
    if ctype == METRICS_V0:
        return parse_legacy(raw)
    if ctype in ("application/csv", "text/csv"):
        return parse_csv(raw)
    raise IngestError(f"Results of type {content_type!r} are not supported.")


def summarize(face: FaceData) -> dict:
    """Per-metric mean, peak and time of peak, and the share of frames with a strong emotion."""
    summary: dict = {}
    for name in (*EMOTIONS, "valence", "engagement"):
        values = face.metrics.get(name)
        if values is None or np.isnan(values).all():
            continue
        peak = int(np.nanargmax(values))
        summary[name] = {"mean": round(float(np.nanmean(values)), 2), "peak": round(float(values[peak]), 2),
                         "peak_time": round(float(face.times[peak]), 3)}
    emotions = [face.metrics[e] for e in EMOTIONS if e in face.metrics]
    if emotions:
        strongest = np.nan_to_num(np.vstack(emotions), nan=0.0).max(axis=0)
        summary["expressive"] = round(float(np.mean(strongest > EXPRESSIVE_THRESHOLD)), 4)
    return summary


def pack(face: FaceData) -> bytes:
    buf = io.BytesIO()
    # Explicit member names: metric names may contain spaces, np.savez only adds ".npy".
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, arr in (("times", face.times), ("frames", face.frames), *face.metrics.items()):
            with zf.open(f"{name}.npy", "w") as member:
                np.lib.format.write_array(member, np.ascontiguousarray(arr), allow_pickle=False)
    return buf.getvalue()


def read_raw(fh: IO[bytes]) -> bytes:
    """The document's bytes, whether stored gzip-compressed or as downloaded."""
    head = fh.read(2)
    fh.seek(0)
    return gzip.decompress(fh.read()) if head == b"\x1f\x8b" else fh.read()


def _store_raw(media: Media, raw: bytes, digest: str) -> str:
    # Named by content, so a crash between writing it and committing leaves the row
    # pointing at the previous, intact file.
    name = f"results/{media.pk}/{digest[:20]}.gz"
    if not default_storage.exists(name):
        with tempfile.TemporaryFile() as tmp:
            with gzip.GzipFile(fileobj=tmp, mode="wb", compresslevel=6, mtime=0) as gz:
                gz.write(raw)
            tmp.seek(0)
            name = default_storage.save(name, File(tmp))
    return name


def ingest(media: Media, raw: bytes, content_type: str) -> bool:
    """Replace the media's results with this document. False when it was already in."""
    digest = hashlib.sha256(raw).hexdigest()
    if media.result_sha256 == digest and media.status == Media.Status.DONE:
        return False
    parsed = parse(raw, content_type)
    name = _store_raw(media, raw, digest)
    tracks = [
        FaceTrack(media_id=media.pk, face_id=f.face_id, position=i, frame_count=len(f.frames),
                  start=float(f.times[0]), end=float(f.times[-1]), data=pack(f), summary=summarize(f))
        for i, f in enumerate(parsed.faces)
    ]
    metric_names = list(dict.fromkeys(n for f in parsed.faces for n in f.metrics))
    with transaction.atomic():
        previous = Media.objects.select_for_update().values_list("result_file", flat=True).get(pk=media.pk)
        FaceTrack.objects.filter(media_id=media.pk).delete()
        FaceTrack.objects.bulk_create(tracks)
        Media.objects.filter(pk=media.pk).update(
            result_file=name, result_type=content_type, result_sha256=digest, frame_count=parsed.frame_count,
            metric_names=metric_names, status=Media.Status.DONE, progress=1.0, error="", failures=0,
        )
        if previous and previous != name:
            transaction.on_commit(lambda: default_storage.delete(previous))
    media.refresh_from_db()
    return True


def ingest_file(media: Media, path: Path, content_type: str) -> bool:
    with open(path, "rb") as fh:
        return ingest(media, read_raw(fh), content_type)


def reingest(media: Media) -> bool:
    """Rebuild the tracks from the stored raw document (after a parser change)."""
    with media.result_file.open("rb") as fh:
        raw = read_raw(fh)
    Media.objects.filter(pk=media.pk).update(result_sha256="")
    media.result_sha256 = ""
    return ingest(media, raw, media.result_type)
