"""People tags from the face detector: ImageNet-1k has no "person" class at all, yet
people are what most photos sent to a tagging API show."""

from __future__ import annotations

import threading

import numpy as np


class FaceTags:
    """Callable: RGB frame → {"face": s, "person": s[, "people": s2]}, scores in 0..1.

    "face" and "person" take the best face's score; "people" (two or more faces) the
    second best, the confidence that there is more than one. The BlazeFace detector of
    `affectweb.analysis` is loaded on first use; a LiteRT interpreter is not thread-safe,
    so calls are serialised (it takes a few milliseconds a frame).
    """

    def __init__(self, min_score: float = 0.5) -> None:
        self.min_score = min_score
        self._detector = None
        self._lock = threading.Lock()

    def __call__(self, rgb: np.ndarray) -> dict[str, float]:
        with self._lock:
            if self._detector is None:
                from affectweb.analysis.detector import FaceDetector

                self._detector = FaceDetector(min_score=self.min_score)
            detections = self._detector(rgb)
        scores = sorted((d.score for d in detections), reverse=True)
        if not scores:
            return {}
        tags = {"face": scores[0], "person": scores[0]}
        if len(scores) > 1:
            tags["people"] = scores[1]
        return tags
