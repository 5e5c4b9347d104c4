"""The tagging operations: ranked tags and embeddings for still images and for videos,
one segment per second."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

import numpy as np

from affectweb.tagging.classifier import BATCH_SIZE, Classifier
from affectweb.tagging.media import Still, Video

TOP_TAGS = 20  # what Clarifai's v1 API returned per image
# Extra tags for a frame, e.g. {"person": 0.93} from the face detector (faces.FaceTags).
FaceHook = Callable[[np.ndarray], dict[str, float]]


@dataclass
class FrameTags:
    classes: list[str]  # most likely first
    probs: list[float]
    embedding: list[float]  # L2-normalised, 1280 values


@dataclass
class VideoTags:
    timestamps: list[float]  # seconds: 0.0, 1.0, ...
    segments: list[FrameTags]


class Tagger:
    """`faces` adds people tags (None: ImageNet classes only); `select` restricts the
    answer to exactly those classes, in that order, scoring unknown ones 0."""

    def __init__(self, classifier: Classifier, faces: FaceHook | None, top: int = TOP_TAGS) -> None:
        self.classifier, self.faces, self.top = classifier, faces, top
        self._index = {name.lower(): i for i, name in enumerate(classifier.names)}

    def _score(self, name: str, probs: np.ndarray, extra: dict[str, float]) -> float:
        key = name.lower()  # clients' class names come in any case
        if key in extra:
            return extra[key]
        return float(probs[self._index[key]]) if key in self._index else 0.0

    def _rank(self, probs: np.ndarray, extra: dict[str, float],
              select: list[str] | None) -> tuple[list[str], list[float]]:
        if select is not None:
            return list(select), [round(self._score(name, probs, extra), 6) for name in select]
        best = np.argpartition(-probs, self.top)[: self.top]
        ranked = [(self.classifier.names[i], float(probs[i])) for i in best] + list(extra.items())
        ranked.sort(key=lambda item: -item[1])
        return [name for name, _ in ranked[: self.top]], [round(p, 6) for _, p in ranked[: self.top]]

    def _frames(self, frames: list[np.ndarray], select: list[str] | None, tags: bool) -> list[FrameTags]:
        scores = self.classifier.classify(frames)
        out = []
        for rgb, probs, embedding in zip(frames, scores.probs, scores.embeddings):
            classes, values = [], []
            if tags:  # the face detector costs about half as much as the classifier: only when asked
                classes, values = self._rank(probs, self.faces(rgb) if self.faces else {}, select)
            out.append(FrameTags(classes, values, [round(float(v), 6) for v in embedding]))
        return out

    def tag_stills(self, stills: list[Still], select: list[str] | None = None, tags: bool = True) -> list[FrameTags]:
        """Many images in one pass: the classifier runs them in batches. `tags` off: the
        embeddings alone."""
        return self._frames([still.rgb for still in stills], select, tags) if stills else []

    def tag_video(self, video: Video, select: list[str] | None = None, tags: bool = True) -> VideoTags:
        result = VideoTags([], [])
        segments: Iterator[tuple[float, np.ndarray]] = video.segments()
        # Tag as the video decodes, a batch at a time: memory stays flat however long it is.
        while batch := list(islice(segments, BATCH_SIZE)):
            result.timestamps += [t for t, _ in batch]
            result.segments += self._frames([rgb for _, rgb in batch], select, tags)
        return result

