"""MobileNetV2 (ImageNet-1k) under onnxruntime: RGB frames in, class probabilities and
embeddings out, in batches."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from affectweb.analysis.assets import asset_path
from affectweb.tagging.labels import vocabulary

MODEL = "models/tagger_mobilenet_v2.onnx"
INPUT_SIZE = 224
# torchvision's evaluation transform: shorter side to 256, then the central 224×224.
CROP_FRACTION = INPUT_SIZE / 256
# One session.run per this many frames: large enough to use both cores well, small
# enough that a video's frames are never all held in memory at once.
BATCH_SIZE = 16


@dataclass
class Scores:
    """Per frame: probabilities over `vocabulary()` names, and the L2-normalised embedding."""

    probs: np.ndarray  # float32 [N, len(names)]
    embeddings: np.ndarray  # float32 [N, 1280]


def preprocess(rgb: np.ndarray) -> np.ndarray:
    """The model's input for one RGB frame: its central square (87.5 % of the shorter
    side), scaled to 224×224 — the same pixels as Resize(256) + CenterCrop(224)."""
    h, w = rgb.shape[:2]
    side = max(1, round(min(h, w) * CROP_FRACTION))
    y, x = (h - side) // 2, (w - side) // 2
    crop = rgb[y : y + side, x : x + side]
    # INTER_AREA when shrinking averages pixels, as torchvision's antialiased resize does.
    interpolation = cv2.INTER_AREA if side > INPUT_SIZE else cv2.INTER_LINEAR
    return cv2.resize(crop, (INPUT_SIZE, INPUT_SIZE), interpolation=interpolation)


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Classifier:
    """Thread-safe (onnxruntime sessions are): load once per process and share it."""

    def __init__(self, threads: int = 2) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: the cores are shared with the web
        # server and the analysis workers, and spinning threads starve them (measured:
        # 2 spinning threads on a busy 2-core machine ran at half the speed of 1).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(asset_path(MODEL)), options, providers=["CPUExecutionProvider"]
        )
        self.names, self._name_of_output = vocabulary()

    def run(self, inputs: np.ndarray) -> Scores:
        """`inputs`: uint8 [N, 224, 224, 3] from `preprocess`."""
        logits, features = self._session.run(["logits", "features"], {"image": inputs})
        per_output = _softmax(logits)
        probs = np.zeros((len(inputs), len(self.names)), dtype=np.float32)
        np.add.at(probs.T, self._name_of_output, per_output.T)  # merge same-named classes
        norms = np.linalg.norm(features, axis=1, keepdims=True)
        return Scores(probs, features / np.maximum(norms, 1e-12))

    def classify(self, frames: list[np.ndarray]) -> Scores:
        """Any number of RGB frames of any size, in batches of `BATCH_SIZE`."""
        parts = [self.run(np.stack([preprocess(f) for f in frames[i : i + BATCH_SIZE]]))
                 for i in range(0, len(frames), BATCH_SIZE)]
        return Scores(np.concatenate([p.probs for p in parts]), np.concatenate([p.embeddings for p in parts]))

