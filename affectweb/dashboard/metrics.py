"""The vocabulary the dashboard *shows* (pickers, summaries); storage keeps any metric."""

EMOTIONS = ("joy", "sadness", "disgust", "contempt", "anger", "fear", "surprise")
EXPRESSIVE_THRESHOLD = 50.0  # an emotion above this counts as "expressive"
DEFAULT_METRIC = "joy"
# Tracking values are not affect: leave them out of the chart's picker.
NOT_CHARTED = {"pitch", "yaw", "roll", "interocular distance", "mean face luminance",
               "face box x", "face box y", "face box width", "face box height"}


def chartable(names: list[str]) -> list[str]:
    """Picker order: emotions, valence, engagement, then the other metrics as stored."""
    first = [n for n in (*EMOTIONS, "valence", "engagement") if n in names]
    return first + sorted(n for n in names if n not in first and n not in NOT_CHARTED)
