"""The vocabulary the dashboard *shows* (pickers, summaries, axes); storage keeps any metric.

Each metric has a readable label, a group (the picker's sections, in the order of the
protocol's own groups) and a fixed scale: charts keep one axis per scale instead of
rescaling to the data, so a flat 0 looks flat and two metrics can be compared by eye.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from affectweb.protocols.affectiva import EMOTIONS, EXPRESSIONS, HEAD, MEASUREMENTS, SUMMARY

EXPRESSIVE_THRESHOLD = 50.0  # an emotion above this counts as "expressive"
DEFAULT_METRIC = "joy"
FACE_BOX = ("face box x", "face box y", "face box width", "face box height")
# Where the face is, not what it does: drawn on the player, not charted.
NOT_CHARTED = frozenset(FACE_BOX)
# What a face's summary table shows, in this order.
SUMMARISED = EMOTIONS + SUMMARY
# The picker's sections; `docs/metrics.md` explains each group under the same heading.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Emotions", EMOTIONS), ("Summary", SUMMARY), ("Expressions", EXPRESSIONS), ("Head", HEAD),
    ("Face", MEASUREMENTS),
)


@dataclass(frozen=True)
class Scale:
    low: float | None  # None: from the data
    high: float | None
    unit: str  # what a value is, for tooltips and axis titles

    def clip(self, value: float) -> float:
        lo = -float("inf") if self.low is None else self.low
        hi = float("inf") if self.high is None else self.high
        return min(max(value, lo), hi)


PERCENT = Scale(0.0, 100.0, "0–100")
SCALES: dict[str, Scale] = {
    **{m: PERCENT for m in EMOTIONS + EXPRESSIONS + ("engagement",)},
    "valence": Scale(-100.0, 100.0, "−100…100"),
    "pitch": Scale(-90.0, 90.0, "degrees"), "yaw": Scale(-90.0, 90.0, "degrees"),
    "roll": Scale(-180.0, 180.0, "degrees"),
    "interocular distance": Scale(0.0, None, "pixels"),
    "mean face luminance": Scale(0.0, 255.0, "grey level 0–255"),
    **{m: Scale(0.0, None, "pixels") for m in FACE_BOX},
}
UNKNOWN = Scale(None, None, "")  # a metric a newer provider sends that we do not know yet
# Labels where the name alone does not say enough.
LABELS = {
    "valence": "Valence (negative … positive)", "engagement": "Engagement (expressiveness)",
    "attention": "Attention (facing the camera)",
    "pitch": "Pitch (head up/down)", "yaw": "Yaw (head left/right)", "roll": "Roll (head tilt)",
}


def scale(metric: str) -> Scale:
    return SCALES.get(metric, UNKNOWN)


def label(metric: str) -> str:
    return LABELS.get(metric, metric[:1].upper() + metric[1:])


def group_of(metric: str) -> str:
    return next((name for name, members in GROUPS if metric in members), "Other")


def chartable(names: list[str]) -> list[str]:
    """Picker order: the protocol's groups in order, then any other metric as stored."""
    known = [n for _, members in GROUPS for n in members if n in names and n not in NOT_CHARTED]
    return known + sorted(n for n in names if n not in known and n not in NOT_CHARTED)


def picker(names: list[str]) -> list[dict]:
    """The grouped picker: [{"group", "metrics": [{"name", "label"}]}], empty groups left out."""
    out: dict[str, list[dict]] = {}
    for name in chartable(names):
        out.setdefault(group_of(name), []).append({"name": name, "label": label(name)})
    return [{"group": g, "metrics": m} for g, m in out.items()]


def describe(metric: str) -> dict:
    """What a chart needs to know of a metric: label, unit and fixed range."""
    return {"name": metric, "label": label(metric), "group": group_of(metric), **asdict(scale(metric))}
