"""The typed boundary of the analysis pipeline.

Everything the rest of affectweb (the engine's workers, the `analyze` command) needs
from the pipeline crosses this module: options in, a `SessionResult` out. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np

MediaKind = Literal["video", "image"]
Quality = Literal["full", "fast"]

# Called with a fraction 0.0–1.0 as analysis advances.
ProgressCallback = Callable[[float], None]


class MediaError(Exception):
    """The input is not media we can analyse. The message is meant for a person."""


@dataclass(frozen=True)
class MediaInfo:
    kind: MediaKind
    container: str  # e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "image2"
    codec: str
    width: int  # after rotation, as displayed
    height: int
    rotation: int  # degrees clockwise applied to decoded frames: 0, 90, 180, 270
    duration: float  # seconds; 0.0 for a still image
    fps: float  # average frame rate; 0.0 for a still image
    frame_count: int  # estimate for video (exact when the container says so)


@dataclass(frozen=True)
class AnalysisOptions:
    sample_fps: float | None = None  # None: every frame
    max_faces: int = 50
    quality: Quality = "full"  # "fast" is the engine's `sdk-metrics` job
    single_face: bool = False  # the legacy `current-pack` job: only the largest face
    workers: int | None = None  # processes; None: one per CPU core


@dataclass
class Track:
    """One tracked face: every metric as an array aligned with `frame_indices`."""

    face_id: str
    frame_indices: np.ndarray  # int32 indices into SessionResult.times, increasing
    metrics: dict[str, np.ndarray]  # friendly metric name -> float32 array


@dataclass
class SessionResult:
    info: MediaInfo
    times: np.ndarray  # float64 presentation time of each analysed frame, seconds
    tracks: list[Track]
    configuration: dict[str, str]  # friendly metric name -> underlying method
    warnings: list[str] = field(default_factory=list)  # e.g. "decoding stopped at 12.3 s"

    def faces_in_frame(self, index: int) -> dict[str, dict[str, float]]:
        """Metrics of every face seen in frame `index` (slow path; writers stream)."""
        faces: dict[str, dict[str, float]] = {}
        for track in self.tracks:
            pos = np.searchsorted(track.frame_indices, index)
            if pos < len(track.frame_indices) and track.frame_indices[pos] == index:
                faces[track.face_id] = {k: float(v[pos]) for k, v in track.metrics.items()}
        return faces
