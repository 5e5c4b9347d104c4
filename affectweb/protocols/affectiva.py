"""Affectiva's Media API: job names and states, result content types, the CSV/legacy
columns, and the vendor's friendly metric names in the one order every writer uses."""

from __future__ import annotations

# Jobs: `entry_job[name]` values (see the job-name table of the protocol notes).
JOB_NAMES: tuple[str, ...] = ("multiface", "sdk-metrics", "no-op", "current-pack")
DEFAULT_JOB_NAME = "multiface"
JOB_STATUSES: tuple[str, ...] = ("queued", "working", "done", "error")

# Representations of a result entry.
SESSION_V0 = "application/vnd.affectiva.session.v0+json"  # every face (recommended)
METRICS_V0 = "application/vnd.affectiva.metrics.v0+json"  # legacy, one face
CSV = "application/csv"
CSV_TYPES: tuple[str, ...] = (CSV, "text/csv")  # the second seen from other servers

# Columns of the CSV and of the legacy document's metric table.
TIME_COLUMN = "time stamp (msec)"
FACE_COLUMN = "face id"
NO_FACE = "TF"  # the vendor's marker: "tracker found no face"

# The metric vocabulary. Order: emotions, valence, engagement, the 21 expressions, head
# orientation, then the tracking measurements.
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
