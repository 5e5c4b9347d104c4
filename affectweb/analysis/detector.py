"""Full-range BlazeFace face detector (LiteRT).

Why not the Face Landmarker's own detector: it is the short-range BlazeFace (faces within
~2 m), which finds 2 of the 5 faces of a group photo. The full-range model (192×192 input,
one dense 48×48 anchor grid) finds small and distant faces too; the landmarker then runs
on a crop around each detection (see `landmarks.py`).

Decoding follows MediaPipe's `face_detection_full_range_common.pbtxt`, the same as the
MIT `face-detection-tflite` package (`fdlite`), re-written with vectorised NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .assets import face_detector_path

INPUT_SIZE = 192
STRIDE = 4  # one anchor per 4×4 input pixels: a 48×48 grid, 2304 anchors
RAW_SCORE_LIMIT = 80.0  # keeps the sigmoid finite in float32, as MediaPipe does
MIN_SCORE = 0.5
NMS_IOU = 0.3


@dataclass(frozen=True)
class Detection:
    """A face box in frame pixels (x, y = top-left corner) and its confidence."""

    x: float
    y: float
    w: float
    h: float
    score: float


def _anchors() -> np.ndarray:
    grid = INPUT_SIZE // STRIDE
    centres = (np.arange(grid, dtype=np.float32) + 0.5) / grid
    ys, xs = np.meshgrid(centres, centres, indexing="ij")
    return np.stack([xs.ravel(), ys.ravel()], axis=1)  # row-major, like the C++ code


def _iou_matrix(boxes: np.ndarray, box: np.ndarray) -> np.ndarray:
    """IoU of `box` (x0, y0, x1, y1) against every row of `boxes`."""
    ix0 = np.maximum(boxes[:, 0], box[0])
    iy0 = np.maximum(boxes[:, 1], box[1])
    ix1 = np.minimum(boxes[:, 2], box[2])
    iy1 = np.minimum(boxes[:, 3], box[3])
    inter = np.clip(ix1 - ix0, 0, None) * np.clip(iy1 - iy0, 0, None)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    area0 = (box[2] - box[0]) * (box[3] - box[1])
    return inter / np.maximum(area + area0 - inter, 1e-9)


def weighted_nms(boxes: np.ndarray, scores: np.ndarray, iou: float = NMS_IOU) -> list[tuple[np.ndarray, float]]:
    """MediaPipe's weighted NMS: overlapping candidates are averaged (score-weighted)
    instead of dropped, which steadies the box from frame to frame."""
    order = np.argsort(-scores)
    boxes, scores = boxes[order], scores[order]
    out: list[tuple[np.ndarray, float]] = []
    remaining = np.ones(len(scores), dtype=bool)
    for i in range(len(scores)):
        if not remaining[i]:
            continue
        overlap = remaining & (_iou_matrix(boxes, boxes[i]) > iou)
        w = scores[overlap]
        out.append(((boxes[overlap] * w[:, None]).sum(0) / w.sum(), float(scores[i])))
        remaining &= ~overlap
    return out


class FaceDetector:
    """Callable: RGB frame (H, W, 3) uint8 → list of `Detection` in frame pixels."""

    def __init__(self, min_score: float = MIN_SCORE, threads: int = 1) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self._interpreter = Interpreter(model_path=str(face_detector_path()), num_threads=threads)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        out = self._interpreter.get_output_details()
        # The regressor (16 values per anchor) and classifier (1) are told apart by shape.
        by_width = {d["shape"][-1]: d["index"] for d in out}
        self._boxes_idx, self._scores_idx = by_width[16], by_width[1]
        self._anchors = _anchors()
        self.min_score = min_score

    def __call__(self, rgb: np.ndarray) -> list[Detection]:
        h, w = rgb.shape[:2]
        # Letterbox into 192×192 keeping the aspect ratio: the model was trained that way
        # and stretched faces score lower.
        scale = INPUT_SIZE / max(h, w)
        nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
        resized = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA)
        canvas = np.zeros((INPUT_SIZE, INPUT_SIZE, 3), dtype=np.float32)
        px, py = (INPUT_SIZE - nw) // 2, (INPUT_SIZE - nh) // 2
        canvas[py : py + nh, px : px + nw] = resized.astype(np.float32) * (2.0 / 255.0) - 1.0
        self._interpreter.set_tensor(self._input, canvas[None])
        self._interpreter.invoke()
        raw = self._interpreter.get_tensor(self._boxes_idx)[0]
        logits = np.clip(self._interpreter.get_tensor(self._scores_idx)[0, :, 0], -RAW_SCORE_LIMIT, RAW_SCORE_LIMIT)
        scores = 1.0 / (1.0 + np.exp(-logits))
        keep = scores > self.min_score
        if not keep.any():
            return []
        raw, scores, anchors = raw[keep], scores[keep], self._anchors[keep]
        centre = raw[:, 0:2] / INPUT_SIZE + anchors
        half = raw[:, 2:4] / INPUT_SIZE / 2
        boxes = np.concatenate([centre - half, centre + half], axis=1)
        valid = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
        detections = []
        for box, score in weighted_nms(boxes[valid], scores[valid]):
            # Undo the letterbox: tensor-normalised → frame pixels.
            x0 = (box[0] * INPUT_SIZE - px) / scale
            y0 = (box[1] * INPUT_SIZE - py) / scale
            x1 = (box[2] * INPUT_SIZE - px) / scale
            y1 = (box[3] * INPUT_SIZE - py) / scale
            detections.append(Detection(float(x0), float(y0), float(x1 - x0), float(y1 - y0), score))
        return detections
