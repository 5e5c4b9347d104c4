"""Turn a provider's result document into per-face tracks, atomically and idempotently.

Accepts the three result formats of the Media API: session v0 JSON (every face), the
legacy metrics v0 JSON (one face) and CSV. Whatever numeric metrics a document carries
are stored; nothing here lists them.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import shutil
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator
from typing import IO
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from affectweb.clients.mediaapi import METRICS_V0, SESSION_V0
from affectweb.dashboard.metrics import EMOTIONS, EXPRESSIVE_THRESHOLD
from affectweb.dashboard.models import FaceTrack, Media, pack_arrays
from affectweb.dashboard.series import overview

TIME_COLUMN = "time stamp (msec)"
FACE_COLUMN = "face id"
NO_FACE = "TF"  # what the legacy formats write where the tracker found no face
CHUNK = 1 << 20


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


class _Reader:
    """Decodes a JSON document value by value from a text stream, without reading it whole.

    Only the top-level object and the `frames` array are walked here; every other value
    (a frame, the configuration) goes to json's C decoder in one piece.
    """

    def __init__(self, fh: IO[str], decoder: json.JSONDecoder):
        self.fh, self.decoder = fh, decoder
        self.buf, self.pos = "", 0

    def _fill(self) -> bool:
        chunk = self.fh.read(CHUNK)
        self.buf, self.pos = self.buf[self.pos:] + chunk, 0
        return bool(chunk)

    def peek(self) -> str:
        """The next non-blank character ("" at the end), left unconsumed."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or not self._fill():
                return self.buf[self.pos:self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise IngestError(f"The session JSON is malformed: expected {char!r} at {self.describe()}.")
        self.pos += 1

    def value(self):
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                if not self._fill():  # truly malformed, not just cut at the buffer's end
                    raise IngestError(f"The session JSON is malformed: {e.msg} at {self.describe()}.") from e
                continue
            # A number may run on into the next chunk: only trust one followed by text.
            if end < len(self.buf) or not self._fill():
                self.pos = end
                return value

    def describe(self) -> str:
        return repr(self.buf[self.pos:self.pos + 20]) or "the end"

    def items(self):
        """Each key of the top-level object; the caller reads its value before the next."""
        self.expect("{")
        while self.peek() != "}":
            key = self.value()
            self.expect(":")
            yield key
            if self.peek() == ",":
                self.pos += 1
        self.expect("}")

    def elements(self):
        self.expect("[")
        while self.peek() != "]":
            yield self.value()
            if self.peek() == ",":
                self.pos += 1
        self.expect("]")


def parse_session(fh: IO[str]) -> ParsedResult:
    # Streamed frame by frame: an hour of video is ~300 MB of text that never needs to
    # be in memory at once; each face's metrics shrink to a _Row as they are decoded.
    reader = _Reader(fh, json.JSONDecoder(object_pairs_hook=_session_hook()))
    times: list[float] = []
    faces: dict[str, tuple[list[int], list[_Row]]] = {}
    found = False
    for key in reader.items():
        if key != "frames":
            reader.value()  # content_type, configuration: nothing to store
            continue
        if reader.peek() != "[":
            raise IngestError("The session JSON has no list of frames.")
        found = True
        for i, frame in enumerate(reader.elements()):
            if not isinstance(frame, dict) or not isinstance(frame.get("time"), (int, float)):
                raise IngestError(f"Frame {i} of the session JSON has no time.")
            times.append(frame["time"])
            for face_id, value in (frame.get("faces") or {}).items():
                row = _as_row(value)
                if row is not None:
                    entry = faces.setdefault(str(face_id), ([], []))
                    entry[0].append(i)
                    entry[1].append(row)
    if not found:
        raise IngestError("The session JSON has no list of frames.")
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


def parse_legacy(fh: IO[str]) -> ParsedResult:
    try:
        metrics = json.load(fh).get("metrics")
    except (ValueError, AttributeError) as e:
        raise IngestError("The metrics JSON is malformed.") from e
    if not isinstance(metrics, dict) or not all(isinstance(v, list) for v in metrics.values()):
        raise IngestError("The metrics JSON has no table of metrics.")
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
    if ctype in ("application/csv", "text/csv"):
        return parse_csv(fh)
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


def pack(face: FaceData) -> tuple[bytes, bytes]:
    """The face's full track, and its chart overview."""
    track = pack_arrays({"times": face.times, "frames": face.frames, **face.metrics})
    return track, pack_arrays(overview(face.times, face.metrics))


@contextmanager
def plain_file(path: Path) -> Iterator[Path]:
    """The document as a plain file: stored results are gzip-compressed, downloads are not."""
    with open(path, "rb") as fh:
        compressed = fh.read(2) == b"\x1f\x8b"
    if not compressed:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        with gzip.open(path, "rb") as src:
            shutil.copyfileobj(src, tmp, CHUNK)
        tmp.flush()
        yield Path(tmp.name)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _store_raw(media_id: int, path: Path, digest: str) -> str:
    # Named by content, so a crash between writing it and committing leaves the row
    # pointing at the previous, intact file. Level 1: provenance, not archival; it
    # runs in a thread beside the parser (zlib releases the GIL).
    name = f"results/{media_id}/{digest[:20]}.gz"
    if not default_storage.exists(name):
        with tempfile.TemporaryFile() as tmp:
            with open(path, "rb") as src, gzip.GzipFile(fileobj=tmp, mode="wb", compresslevel=1, mtime=0) as gz:
                shutil.copyfileobj(src, gz, CHUNK)
            tmp.seek(0)
            name = default_storage.save(name, File(tmp))
    return name


def ingest(media: Media, path: Path, content_type: str) -> bool:
    """Replace the media's results with this document. False when it was already in."""
    with plain_file(path) as plain:
        digest = _sha256(plain)
        if media.result_sha256 == digest and media.status == Media.Status.DONE:
            return False
        with ThreadPoolExecutor(1) as pool:
            stored = pool.submit(_store_raw, media.pk, plain, digest)
            with open(plain, encoding="utf-8-sig", errors="replace") as fh:
                parsed = parse(fh, content_type)
            name = stored.result()
    with ThreadPoolExecutor() as pool:  # deflate releases the GIL: faces pack in parallel
        packed = list(pool.map(pack, parsed.faces))
    tracks = [
        FaceTrack(media_id=media.pk, face_id=f.face_id, position=i, frame_count=len(f.frames),
                  start=float(f.times[0]), end=float(f.times[-1]), data=data, overview=view,
                  summary=summarize(f))
        for i, (f, (data, view)) in enumerate(zip(parsed.faces, packed))
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


def reingest(media: Media) -> bool:
    """Rebuild the tracks from the stored raw document (after a parser change)."""
    Media.objects.filter(pk=media.pk).update(result_sha256="")
    media.result_sha256 = ""
    return ingest(media, Path(media.result_file.path), media.result_type)
