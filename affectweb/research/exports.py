"""A study's downloads: long-format CSV, per-group aggregate CSV, marker summaries, and
iMotions-style tab-separated files (one per respondent, zipped)."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone

import numpy as np

from affectweb.dashboard.models import FaceTrack, Media, Study
from affectweb.lib.spreadsheet import Writer, csv_line, tsv_cell
from affectweb.research import aggregate as agg
from affectweb.research.group import NO_VALUE, honest_aggregate, labels, marker_rows
from affectweb.research.models import Marker
from affectweb.research.studydata import Participant, participants, study_matrix

FACE_BOX = ("face box x", "face box y", "face box width", "face box height")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _fmt(v: float) -> str:
    return "" if v != v else f"{v:.4g}" if abs(v) < 1e-3 and v else f"{round(float(v), 4)}"


def _tracks(media_id: int) -> list[tuple[str, np.lib.npyio.NpzFile]]:
    return [(t.face_id, t.arrays()) for t in FaceTrack.objects.filter(media_id=media_id).only("face_id", "data")]


def _metric_names(tracks) -> list[str]:
    names: list[str] = []
    for _, arrays in tracks:
        names += [n[:-4] if n.endswith(".npy") else n for n in arrays.files if n not in ("times", "frames")]
    return sorted(set(names))


def long_csv(study: Study) -> Iterator[str]:
    """One row per face and frame: media, annotations, face, stimulus time, every metric.

    Numbers are formatted a face at a time by numpy (an hour of frames must not cost a
    Python call per cell); an empty cell is a metric the face lacks in that frame."""
    people = participants(study)
    keys = sorted({k for p in people for k in p.annotations})
    names: set[str] = set()
    for row in Media.objects.filter(pk__in=[p.media_id for p in people]).values_list("metric_names", flat=True):
        names.update(row)
    metrics = sorted(names)
    yield csv_line(["media_id", "media", *keys, "face", "stimulus_time", "media_time", *metrics]) + "\r\n"
    for p in people:
        for face_id, arrays in _tracks(p.media_id):
            prefix = csv_line([p.media_id, p.name, *(p.annotations.get(k, "") for k in keys), face_id]) + ","
            times = arrays["times"].astype(np.float64)
            table = np.column_stack([times + p.offset, times] + [
                arrays[m].astype(np.float64) if m in arrays.files else np.full(len(times), np.nan) for m in metrics])
            buf = io.StringIO()
            np.savetxt(buf, table, fmt=["%.3f", "%.3f"] + ["%.5g"] * len(metrics), delimiter=",", newline="\r\n")
            text = buf.getvalue().replace("nan", "")
            yield "".join(prefix + line for line in text.splitlines(True))


def group_csv(study: Study, metric: str, key: str = "") -> Iterator[str]:
    """The aggregate curve per group (all participants as group "all"), long format; the
    interval as the group view draws it (none below 3 participants, within the metric's range)."""
    matrix = study_matrix(study, metric)
    curves = {"all": (honest_aggregate(matrix.values, metric), len(matrix.participants))}
    if key:
        for label, rows in agg.group_rows(labels(matrix, key)).items():
            curves[label or NO_VALUE] = (honest_aggregate(matrix.values[rows], metric), len(rows))
    w = Writer(_Echo())
    yield w.writerow(["metric", "group_by", "group", "group_size", "stimulus_time", "n", "mean", "ci_low", "ci_high"])
    for label, (a, size) in curves.items():
        for i, t in enumerate(matrix.times.tolist()):
            yield w.writerow([metric, key, label, size, f"{t:.3f}", int(a.n[i]), _fmt(a.mean[i]),
                              _fmt(a.low[i]), _fmt(a.high[i])])


def markers_csv(study: Study, metrics: list[str], key: str = "") -> Iterator[str]:
    w = Writer(_Echo())
    yield w.writerow(["marker", "start", "end", "metric", "group_by", "group", "n", "mean", "ci_low", "ci_high"])
    people = participants(study)
    for metric in metrics:
        matrix = study_matrix(study, metric, people)
        for r in marker_rows(study, matrix, key, metric):
            yield w.writerow([r["marker"], r["start"], "" if r["end"] is None else r["end"], metric, key,
                              r["group"], r["n"], *("" if r[c] is None else r[c] for c in ("mean", "low", "high"))])


IMOTIONS_FIXED = ["StudyName", "ExportDate", "Name", "Age", "Gender", "StimulusName", "SlideType", "EventSource",
                  "Timestamp", "MediaTime", "PostMarker", "Annotation", "FrameNo", "FrameTime", "NoOfFaces",
                  "FaceRect X", "FaceRect Y", "FaceRect Width", "FaceRect Height"]


def _title(metric: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in metric.split())


EVENT_SOURCE = "affectweb"  # what measured the faces: not the vendor's retired AFFDEX engine


def _markers_at(study: Study, p: Participant):
    """A function: (stimulus time, media time) → the names of the markers there, "; "-joined.
    A range holds from its start to its end; a point marker holds on the frame nearest it."""
    stimulus = [(m.name, m.start, m.end) for m in Marker.objects.filter(study=study, media=None)]
    own = [(m.name, m.start, m.end) for m in Marker.objects.filter(study=study, media_id=p.media_id)]
    half = 0.5 / 30  # half a frame at 30 fps: a point marker lands on one row

    def on(t: float, start: float, end: float | None) -> bool:
        return start - 1e-9 <= t <= end + 1e-9 if end is not None else abs(t - start) <= half

    def names(stimulus_time: float, media_time: float) -> str:
        hits = [n for n, a, b in stimulus if on(stimulus_time, a, b)] + [n for n, a, b in own if on(media_time, a, b)]
        return "; ".join(hits)

    return names


def imotions_txt(study: Study, p: Participant, stimulus_name: str = "", now: datetime | None = None) -> str:
    """One respondent in the iMotions text layout: a `#Key : value` header block, a blank
    line, then one tab-separated row per frame and face. Timestamp is stimulus time and
    MediaTime the recording's own time, both in milliseconds; PostMarker names the markers
    at that moment, Annotation the respondent's annotations."""
    now = now or datetime.now(timezone.utc)
    markers_at = _markers_at(study, p)
    annotation = "; ".join(f"{k}: {v}" for k, v in sorted(p.annotations.items()))
    tracks = _tracks(p.media_id)
    metrics = [m for m in _metric_names(tracks) if m not in FACE_BOX]
    out = io.StringIO()
    out.write(f"#Study : {tsv_cell(study.name)}\n#Date : {now:%Y%m%d %H:%M:%S}\n#Version : affectweb\n")
    out.write(f"#Respondent Name : {tsv_cell(p.name)}\n")
    for key, value in sorted(p.annotations.items()):
        out.write(f"#Respondent {tsv_cell(key)} : {tsv_cell(value)}\n")
    out.write(f"#Stimulus Offset : {p.offset:.3f}\n\n")
    out.write("\t".join(map(tsv_cell, IMOTIONS_FIXED + [_title(m) for m in metrics])) + "\n")
    per_frame = Counter(int(f) for _, arrays in tracks for f in arrays["frames"].tolist())
    rows = []
    for face_id, arrays in tracks:
        times, frames = arrays["times"], arrays["frames"]
        box = [arrays[b] if b in arrays.files else np.full(len(times), np.nan) for b in FACE_BOX]
        columns = [arrays[m] if m in arrays.files else np.full(len(times), np.nan) for m in metrics]
        for i, t in enumerate(times.tolist()):
            rows.append((int(frames[i]), face_id, [
                study.name, f"{now:%Y%m%d}", p.name, p.annotations.get("age", ""), p.annotations.get("gender", ""),
                stimulus_name, "TestImage" if stimulus_name == "" else "TestVideo", EVENT_SOURCE,
                str(round((t + p.offset) * 1000)), str(round(t * 1000)), markers_at(t + p.offset, t), annotation,
                str(int(frames[i])),
                str(round(t * 1000)), str(per_frame[int(frames[i])]),
                *(_fmt(b[i]) for b in box), *(_fmt(c[i]) for c in columns)]))
    rows.sort(key=lambda r: (r[0], r[1]))
    for _, _, row in rows:
        out.write("\t".join(map(tsv_cell, row)) + "\n")
    return out.getvalue()


def imotions_zip(study: Study, stimulus_name: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in participants(study):
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in p.name)[:80]
            zf.writestr(f"{p.media_id}-{safe}.txt", imotions_txt(study, p, stimulus_name))
    return buf.getvalue()
