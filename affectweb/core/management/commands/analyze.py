"""Analyse one media file with the local pipeline, no server or worker needed."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from affectweb.analysis.media import probe
from affectweb.analysis.pipeline import analyze
from affectweb.analysis.types import AnalysisOptions, MediaError, SessionResult
from affectweb.analysis.vocabulary import EMOTIONS
from affectweb.analysis.writers import write_csv, write_metrics_json, write_session_json

WRITERS = {"session": write_session_json, "metrics": write_metrics_json, "csv": write_csv}


class ProgressBar:
    """A one-line bar on a terminal; silent when output goes to a file or a pipe."""

    def __init__(self, stream):
        self.stream = stream
        self.enabled = stream.isatty()
        self.last = -1

    def __call__(self, fraction: float) -> None:
        percent = int(fraction * 100)
        if self.enabled and percent != self.last:
            self.last = percent
            filled = percent * 30 // 100
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def summary_lines(result: SessionResult) -> list[str]:
    info = result.info
    lines = [f"{info.kind} {info.width}×{info.height}, {info.duration:.2f} s, "
             f"{len(result.times)} frames analysed, {len(result.tracks)} face(s)"]
    for track in result.tracks:
        lines.append(f"face {track.face_id}: {len(track.frame_indices)} frames")
        for name in EMOTIONS:
            values = track.metrics[name]
            peak = int(np.argmax(values))
            peak_time = result.times[track.frame_indices[peak]]
            lines.append(f"  {name:<9} mean {float(values.mean()):6.1f}   "
                         f"peak {float(values[peak]):6.1f} at {peak_time:.2f} s")
    return lines


class Command(BaseCommand):
    help = "Analyse a video or image: print a summary per face and write the metrics."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--out", type=Path, help="file to write (default: none)")
        parser.add_argument("--format", choices=sorted(WRITERS), default="session")
        parser.add_argument("--sample-fps", type=float, default=None,
                            help="analyse this many frames per second (default: every frame)")

    def handle(self, *args, path: Path, out: Path | None, format: str,
               sample_fps: float | None, **options):
        if sample_fps is not None and sample_fps <= 0:
            raise CommandError("--sample-fps must be a positive number")
        try:
            probe(path)
            bar = ProgressBar(sys.stderr)
            try:
                result = analyze(path, AnalysisOptions(sample_fps=sample_fps), progress=bar)
            finally:
                bar.close()
        except MediaError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write("\n".join(summary_lines(result)))
        if out:
            partial = out.with_name(out.name + ".part")
            with partial.open("w", newline="") as f:
                WRITERS[format](result, f)
            partial.replace(out)  # never leave half a file under the real name
            self.stdout.write(f"wrote {out}")
