"""Expressions and emotions: the vendor's vocabulary, calibrated on the smiling portrait."""

from __future__ import annotations

import numpy as np

from affectweb.analysis.emotions import all_metrics
from affectweb.analysis.landmarks import BLENDSHAPES, BS_OFFSET, GEOMETRY, OBS_WIDTH
from affectweb.analysis.vocabulary import EMOTIONS, EXPRESSIONS, METRICS

NEGATIVE = ("sadness", "disgust", "contempt", "anger", "fear")


def test_it_names_every_metric_of_the_vendor_vocabulary():
    assert EMOTIONS == ("joy", "sadness", "disgust", "contempt", "anger", "fear", "surprise")
    assert len(EXPRESSIONS) == 21 and "lip suck" in EXPRESSIONS and "jaw drop" in EXPRESSIONS
    assert {"valence", "engagement", "pitch", "yaw", "roll", "interocular distance",
            "mean face luminance", "face box x", "face box height"} <= set(METRICS)
    assert len(METRICS) == len(set(METRICS)) == 7 + 2 + 21 + 3 + 6


def test_it_scores_the_broad_smile_as_joy(fixtures_dir, analysed):
    face = analysed(fixtures_dir / "single_face.jpg").faces_in_frame(0)["0"]
    # The vendor's own output for this photo: joy 99.93, valence 78.1, smile 100,
    # cheek raise 94.2, mouth open 99.99, negatives < 0.01.
    assert face["joy"] > 90 and face["joy"] == max(face[e] for e in EMOTIONS)
    assert all(face[e] < 5 for e in NEGATIVE)
    assert face["smile"] > 90 and face["cheek raise"] > 60 and face["mouth open"] > 80
    assert 50 < face["valence"] <= 100 and face["engagement"] > 90
    assert face["attention"] > 70 and face["surprise"] < 20


def _rows(**blendshapes: float) -> np.ndarray:
    row = np.zeros((1, OBS_WIDTH), dtype=np.float32)
    row[0, GEOMETRY.index("w")] = row[0, GEOMETRY.index("h")] = 100
    row[0, GEOMETRY.index("interocular")] = 50
    for name, value in blendshapes.items():
        row[0, BS_OFFSET + BLENDSHAPES.index(name)] = value
    return row


def _scores(**blendshapes: float) -> dict[str, float]:
    return {k: float(v[0]) for k, v in all_metrics(_rows(**blendshapes)).items()}


def test_it_scores_a_resting_face_near_zero():
    m = _scores(browInnerUp=0.03, eyeBlinkLeft=0.1, eyeBlinkRight=0.1)
    assert all(m[e] < 2 for e in EMOTIONS) and abs(m["valence"]) < 2 and m["engagement"] < 5
    assert m["attention"] == 100.0


def test_it_reads_a_frown_and_a_surprise():
    angry = _scores(browDownLeft=0.7, browDownRight=0.7, mouthPressLeft=0.6, mouthPressRight=0.6,
                    eyeSquintLeft=0.6, eyeSquintRight=0.6)
    assert angry["anger"] > 50 and angry["valence"] < -30 and angry["joy"] < 2
    surprised = _scores(browInnerUp=0.7, browOuterUpLeft=0.7, browOuterUpRight=0.7, eyeWideLeft=0.5,
                        eyeWideRight=0.5, jawOpen=0.6)
    assert surprised["surprise"] > 90 and surprised["surprise"] == max(surprised[e] for e in EMOTIONS)


def test_it_reads_a_one_sided_smile_as_smirk_and_contempt():
    m = _scores(mouthSmileLeft=0.6, mouthSmileRight=0.0, mouthDimpleLeft=0.4)
    assert m["smirk"] == 100.0 and m["contempt"] > 50
