"""Emotions, valence and engagement from the expressions, by EMFACS-style rules.

No shipped model covers all seven of the vendor's emotions (contempt, valence, engagement
are in none), and the vendor itself derived emotions from action units. Each emotion is
a logistic of a weighted sum of its prototype AUs (0–1):

    emotion = 100 · σ(k · (Σ wᵢ·AUᵢ − θ))

so a face showing none of the AUs scores ≈ 0, the full prototype ≈ 100, and partial
evidence lands in between. Negative emotions are inhibited by a smile (a smiling face
does not read as sad or disgusted), as the vendor's output for smiling faces shows
(every negative emotion < 0.01 at joy 99.9).
"""

from __future__ import annotations

import numpy as np

from .vocabulary import EXPRESSIONS

K = 14.0  # steepness: a neutral face (Σ≈0) gets σ(−14·θ) ≈ 0.2–0.4 %

# emotion → (threshold θ, {expression: weight}); weights sum to 1.
RULES: dict[str, tuple[float, dict[str, float]]] = {
    # AU6 + AU12
    "joy": (0.4, {"smile": 0.75, "cheek raise": 0.25}),
    # AU1 + AU4 + AU15 (+ AU17)
    "sadness": (0.4, {"inner brow raise": 0.3, "brow furrow": 0.2, "lip corner depressor": 0.4, "chin raise": 0.1}),
    # AU9 + AU15 + AU16 (AU10 upper lip raise is the usual partner of AU9)
    "disgust": (0.4, {"nose wrinkle": 0.5, "upper lip raise": 0.25, "lip corner depressor": 0.25}),
    # unilateral AU14
    "contempt": (0.45, {"smirk": 0.8, "dimpler": 0.2}),
    # AU4 + AU5 + AU7 + AU23/24
    "anger": (0.4, {"brow furrow": 0.5, "eye widen": 0.15, "lid tighten": 0.2, "lip press": 0.15}),
    # AU1 + AU2 + AU4 + AU5 + AU7 + AU20 + AU26
    "fear": (0.45, {"inner brow raise": 0.2, "brow raise": 0.1, "brow furrow": 0.15, "eye widen": 0.2,
                    "lid tighten": 0.05, "lip stretch": 0.2, "jaw drop": 0.1}),
    # AU1 + AU2 + AU5 + AU26
    "surprise": (0.45, {"inner brow raise": 0.3, "brow raise": 0.3, "eye widen": 0.2, "jaw drop": 0.2}),
}
NEGATIVE = ("sadness", "disgust", "contempt", "anger", "fear")
SMILE_INHIBITION = 0.95  # share of a negative emotion a full smile removes

# Engagement = expressiveness: the strongest facial movement. Attention and the mouth/eye
# states that also occur at rest (lips apart, blinking) are left out.
EXPRESSIVE = tuple(e for e in EXPRESSIONS if e not in ("attention", "mouth open", "eye closure"))
# Valence: positive minus negative evidence; the vendor's valence stays below its joy
# (joy 99.9 → valence 78), hence the gain.
VALENCE_GAIN = 0.8


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def emotions(expr: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Expressions (0–100) → the 7 emotions, valence and engagement (float32 arrays)."""
    out: dict[str, np.ndarray] = {}
    inhibit = 1.0 - SMILE_INHIBITION * expr["smile"] / 100.0
    for name, (theta, weights) in RULES.items():
        evidence = sum(w * expr[e] / 100.0 for e, w in weights.items())
        score = 100.0 * _sigmoid(K * (evidence - theta))
        out[name] = score * inhibit if name in NEGATIVE else score
    negative = np.max(np.stack([out[n] for n in NEGATIVE]), axis=0)
    out["valence"] = np.clip(VALENCE_GAIN * (out["joy"] - negative), -100.0, 100.0)
    out["engagement"] = np.max(np.stack([expr[e] for e in EXPRESSIVE]), axis=0)
    return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def all_metrics(obs: np.ndarray) -> dict[str, np.ndarray]:
    """Packed observations → every friendly metric (see vocabulary.METRICS)."""
    from .expressions import _Columns, expressions

    expr = expressions(obs)
    c = _Columns(obs)
    metrics = {**emotions(expr), **expr}
    for name in ("pitch", "yaw", "roll"):
        metrics[name] = c.geo(name)
    metrics["interocular distance"] = c.geo("interocular")
    metrics["mean face luminance"] = c.geo("luminance")
    for key, name in zip("xywh", ("face box x", "face box y", "face box width", "face box height")):
        metrics[name] = c.geo(key)
    return {k: np.asarray(v, dtype=np.float32) for k, v in metrics.items()}
