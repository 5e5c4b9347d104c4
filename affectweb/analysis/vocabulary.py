"""The vendor's friendly metric names, in the one order used by every writer.

Order: emotions, valence, engagement, the 21 expressions, head orientation, then the
tracking measurements. The CSV header, the legacy `metric_map` and the session JSON
all follow `METRICS`.
"""

from __future__ import annotations

EMOTIONS: tuple[str, ...] = ("joy", "sadness", "disgust", "contempt", "anger", "fear", "surprise")
SUMMARY: tuple[str, ...] = ("valence", "engagement")
EXPRESSIONS: tuple[str, ...] = (
    "smile", "inner brow raise", "brow raise", "brow furrow", "nose wrinkle", "upper lip raise",
    "lip corner depressor", "chin raise", "lip pucker", "lip press", "lip suck", "mouth open",
    "smirk", "eye closure", "attention", "eye widen", "cheek raise", "lid tighten", "dimpler",
    "lip stretch", "jaw drop",
)
HEAD: tuple[str, ...] = ("pitch", "yaw", "roll")
MEASUREMENTS: tuple[str, ...] = (
    "interocular distance", "mean face luminance",
    "face box x", "face box y", "face box width", "face box height",
)
METRICS: tuple[str, ...] = EMOTIONS + SUMMARY + EXPRESSIONS + HEAD + MEASUREMENTS

# Friendly name → the method behind it: the session JSON's "configuration" and the legacy
# "metric_map". The vendor put classifier names here; we name our derivation.
CONFIGURATION: dict[str, str] = {
    **{name: f"facs-rules:{name.replace(' ', '_')}" for name in EMOTIONS + SUMMARY},
    **{name: f"blendshapes:{name.replace(' ', '_')}" for name in EXPRESSIONS},
    "attention": "head-pose:attention",
    "mouth open": "landmarks:lip_gap",
    **{name: f"head-pose:{name}" for name in HEAD},
    **{name: f"landmarks:{name.replace(' ', '_')}" for name in MEASUREMENTS},
}

# Metrics that are positions/sizes, not expressions: written with fewer decimals.
PIXEL_METRICS = frozenset(MEASUREMENTS)
