"""What the pipeline computes for each of the vendor's friendly metric names.

The names themselves, in the one order every writer follows (the CSV header, the legacy
`metric_map`, the session JSON), are the protocol's: `affectweb.protocols.affectiva`.
"""

from __future__ import annotations

from affectweb.protocols.affectiva import EMOTIONS, EXPRESSIONS, HEAD, MEASUREMENTS, METRICS, SUMMARY

__all__ = ["CONFIGURATION", "EMOTIONS", "EXPRESSIONS", "HEAD", "MEASUREMENTS", "METRICS", "PIXEL_METRICS",
           "SUMMARY"]

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
