"""The vocabulary the dashboard *shows* (pickers, summaries); storage keeps any metric."""

from affectweb.protocols.affectiva import EMOTIONS, HEAD, MEASUREMENTS, SUMMARY

EXPRESSIVE_THRESHOLD = 50.0  # an emotion above this counts as "expressive"
DEFAULT_METRIC = "joy"
# Tracking values are not affect: leave them out of the chart's picker.
NOT_CHARTED = frozenset(HEAD + MEASUREMENTS)
# What a face's summary table shows, in this order.
SUMMARISED = EMOTIONS + SUMMARY


def chartable(names: list[str]) -> list[str]:
    """Picker order: emotions, valence, engagement, then the other metrics as stored."""
    first = [n for n in SUMMARISED if n in names]
    return first + sorted(n for n in names if n not in first and n not in NOT_CHARTED)
