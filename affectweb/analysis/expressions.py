"""The 21 expressions (0–100) from the landmarker's 52 blendshapes and geometry.

Each expression is a FACS action unit (AU) the vendor scored; the blendshape closest to
that AU is rescaled linearly from `lo` (scores at or below: 0) to `hi` (at or above: 100).
`lo` removes the landmarker's resting-face noise (most blendshapes idle at 0.02–0.1);
`hi` is where the movement is clearly full: MediaPipe rarely outputs 1.0, so e.g. a broad
smile reads mouthSmile ≈ 0.85. Bilateral AUs average Left/Right. The table in
docs/metrics.md repeats these mappings.

Two MediaPipe quirks shape the mappings:
- `cheekSquint*` stays near 0 even in a Duchenne smile; the eye narrowing of AU6 shows up
  in `eyeSquint*` instead. So cheek raise = eye squint while smiling, lid tighten (AU7) =
  eye squint while not smiling.
- `jawOpen` is small (≈ 0.05) for a wide open-lipped smile, so "mouth open" (AU25, lips
  apart) is measured on the landmarks: inner-lip gap / interocular distance.
"""

from __future__ import annotations

import numpy as np

from .landmarks import BLENDSHAPES, BS_OFFSET, GEOMETRY


def rescale(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Linear map lo→0, hi→100, clipped: the shared shape of every expression score."""
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0) * 100.0


class _Columns:
    """Named access to packed observation rows: `c.bs("jawOpen")`, `c.both("mouthSmile")`."""

    def __init__(self, obs: np.ndarray) -> None:
        self.obs = obs

    def geo(self, name: str) -> np.ndarray:
        return self.obs[:, GEOMETRY.index(name)]

    def bs(self, name: str) -> np.ndarray:
        return self.obs[:, BS_OFFSET + BLENDSHAPES.index(name)]

    def both(self, stem: str) -> np.ndarray:
        return (self.bs(stem + "Left") + self.bs(stem + "Right")) / 2


# Attention: 100 looking straight at the camera, falling off with the head turned away.
# A Gaussian in the combined angle; 30° off-axis gives ≈ 61.
ATTENTION_SIGMA_DEG = 30.0


def expressions(obs: np.ndarray) -> dict[str, np.ndarray]:
    """Packed observations (n, OBS_WIDTH) → expression name → float32 (n,) in 0–100."""
    c = _Columns(obs)
    smile_l, smile_r = c.bs("mouthSmileLeft"), c.bs("mouthSmileRight")
    smile = rescale((smile_l + smile_r) / 2, 0.1, 0.75)  # AU12 lip corner puller
    smiling = smile / 100.0
    eye_squint = c.both("eyeSquint")
    gap = c.geo("lip_gap")
    out = {
        "smile": smile,
        "inner brow raise": rescale(c.bs("browInnerUp"), 0.03, 0.6),  # AU1
        "brow raise": rescale(c.both("browOuterUp"), 0.1, 0.6),  # AU2
        "brow furrow": rescale(c.both("browDown"), 0.1, 0.6),  # AU4
        "nose wrinkle": rescale(c.both("noseSneer"), 0.05, 0.5),  # AU9
        "upper lip raise": rescale(c.both("mouthUpperUp"), 0.45, 1.2),  # AU10
        "lip corner depressor": rescale(c.both("mouthFrown"), 0.05, 0.5),  # AU15
        "chin raise": rescale(c.bs("mouthShrugLower"), 0.1, 0.6),  # AU17
        "lip pucker": rescale(c.bs("mouthPucker"), 0.15, 0.8),  # AU18
        "lip press": rescale(c.both("mouthPress"), 0.2, 0.6),  # AU24
        "lip suck": rescale((c.bs("mouthRollLower") + c.bs("mouthRollUpper")) / 2, 0.15, 0.6),  # AU28
        "mouth open": rescale(gap, 0.02, 0.09),  # AU25, from landmarks
        # AU14 one-sided: the difference of the two smile sides beyond noise.
        "smirk": rescale(np.abs(smile_l - smile_r), 0.15, 0.45),
        "eye closure": rescale(c.both("eyeBlink"), 0.35, 0.8),  # AU43
        "attention": 100.0 * np.exp(-(c.geo("yaw") ** 2 + c.geo("pitch") ** 2) / (2 * ATTENTION_SIGMA_DEG**2)),
        "eye widen": rescale(c.both("eyeWide"), 0.1, 0.5),  # AU5
        "cheek raise": rescale(np.maximum(c.both("cheekSquint"), eye_squint * smiling), 0.1, 0.5),  # AU6
        "lid tighten": rescale(eye_squint * (1.0 - smiling), 0.2, 0.7),  # AU7
        "dimpler": rescale(c.both("mouthDimple"), 0.1, 0.5),  # AU14
        "lip stretch": rescale(c.both("mouthStretch"), 0.1, 0.5),  # AU20
        # AU26: the jaw blendshape or a wide inner-lip gap, whichever says more.
        "jaw drop": np.maximum(rescale(c.bs("jawOpen"), 0.1, 0.5), rescale(gap, 0.05, 0.16)),
    }
    return {k: v.astype(np.float32) for k, v in out.items()}
