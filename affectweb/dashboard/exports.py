"""Exports: per media a CSV (one row per frame and face), the session v0 JSON and the
content tags' CSV; per study a ZIP of every CSV. All streamed: an hour of video is a
large table."""

from __future__ import annotations

import gzip
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator

import numpy as np

from affectweb.dashboard.models import FaceTrack, Media, MediaTags
from affectweb.lib.spreadsheet import Writer, csv_line
from affectweb.protocols.affectiva import FACE_COLUMN, SESSION_V0, TIME_COLUMN

ROWS_PER_CHUNK = 5000


def _table(media: Media) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """(frame index, time s, face id, metrics matrix), sorted by frame then face."""
    names = media.metric_names
    frames, times, faces, blocks = [], [], [], []
    for track in FaceTrack.objects.filter(media=media).only("face_id", "position", "data"):
        arrays = track.arrays()
        n = len(arrays["frames"])
        frames.append(arrays["frames"])
        times.append(arrays["times"])
        faces.append(np.full(n, track.position, dtype=np.int32))
        blocks.append(np.column_stack([
            arrays[m] if m in arrays.files else np.full(n, np.nan, np.float32) for m in names
        ]) if names else np.empty((n, 0), np.float32))
    if not frames:
        return np.empty(0, np.int32), np.empty(0), [], np.empty((0, len(names)), np.float32)
    position = np.concatenate(faces)
    order = np.lexsort((position, np.concatenate(frames)))
    ids = [t.face_id for t in FaceTrack.objects.filter(media=media).order_by("position")]
    return (np.concatenate(frames)[order], np.concatenate(times)[order],
            [ids[p] for p in position[order]], np.concatenate(blocks)[order])


def csv_chunks(media: Media) -> Iterator[bytes]:
    """The media's metrics as CSV, in the provider's own column names (re-ingestible)."""
    _, times, face_ids, matrix = _table(media)
    yield (csv_line([TIME_COLUMN, FACE_COLUMN, *media.metric_names]) + "\n").encode()
    # Face ids and metric names are the provider's text; the numbers are numpy's.
    face_cells = {face: csv_line([face]) for face in set(face_ids)}
    for lo in range(0, len(times), ROWS_PER_CHUNK):
        hi = lo + ROWS_PER_CHUNK
        buf = io.StringIO()
        block = np.column_stack([np.round(times[lo:hi] * 1000, 3), matrix[lo:hi].astype(np.float64)])
        np.savetxt(buf, block, fmt="%.6g", delimiter=",")
        lines = buf.getvalue().replace("nan", "").splitlines()
        yield "".join(
            f"{line.split(',', 1)[0]},{face_cells[face]},{line.split(',', 1)[1] if ',' in line else ''}\n"
            for line, face in zip(lines, face_ids[lo:hi])
        ).encode()


def session_chunks(media: Media) -> Iterator[bytes]:
    """The session v0 JSON: the provider's own document when it sent one, else rebuilt."""
    if media.result_type.startswith(SESSION_V0) and media.result_file:
        with media.result_file.open("rb") as fh, gzip.open(fh) as raw:
            while chunk := raw.read(1 << 20):
                yield chunk
        return
    frames, times, face_ids, matrix = _table(media)
    names = media.metric_names
    yield f'{{"content_type": "{SESSION_V0}", "configuration": {{}}, "frames": ['.encode()
    bounds = np.flatnonzero(np.diff(frames)) + 1
    for n, (lo, hi) in enumerate(zip([0, *bounds], [*bounds, len(frames)])):
        faces = {face_ids[i]: {k: float(v) for k, v in zip(names, matrix[i]) if v == v} for i in range(lo, hi)}
        yield ((", " if n else "") + json.dumps({"time": float(times[lo]), "faces": faces})).encode()
    yield b"]}"


class _Pipe(io.RawIOBase):
    """A write-only sink whose contents are taken out as they come (for streaming ZIPs)."""

    def __init__(self):
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        return len(data)

    def take(self) -> bytes:
        out = bytes(self.buffer)
        self.buffer.clear()
        return out


def zip_chunks(members: Iterable[tuple[str, Iterable[bytes]]]) -> Iterator[bytes]:
    """A ZIP built while it is sent; zipfile writes data descriptors to unseekable sinks."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, chunks in members:
            with zf.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
                    yield pipe.take()
    yield pipe.take()


def export_name(media: Media, suffix: str) -> str:
    """A download name safe in a Content-Disposition header and in a ZIP."""
    stem = re.sub(r"[^\w.\- ]", "_", media.name.rsplit(".", 1)[0]) or "media"
    return f"{media.pk}-{stem}{suffix}"


def tags_csv_chunks(tags: MediaTags) -> Iterator[bytes]:
    """second, tag, probability: each second's top tags (an image's at second 0)."""
    yield b"second,tag,probability\n"
    buf = io.StringIO()
    writer = Writer(buf, lineterminator="\n")
    for n, row in enumerate(tags.rows(), 1):
        writer.writerow(row)
        if n % ROWS_PER_CHUNK == 0:
            yield buf.getvalue().encode()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode()


def _study_members(media_list: Iterable[Media]) -> Iterator[tuple[str, Iterable[bytes]]]:
    for media in media_list:
        if media.status == Media.Status.DONE:
            yield export_name(media, ".csv"), csv_chunks(media)
        tags = getattr(media, "tags", None)
        if tags is not None and tags.status == MediaTags.Status.DONE:
            yield export_name(media, "-tags.csv"), tags_csv_chunks(tags)


def study_zip(media_list: Iterable[Media]) -> Iterator[bytes]:
    """Each analysed media's CSV, and its tags' CSV when it was tagged."""
    return zip_chunks(_study_members(media_list))
