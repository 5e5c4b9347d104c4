"""Track ids from observation boxes (synthetic boxes; real-media cases in test_faces)."""

from __future__ import annotations

import numpy as np

from affectweb.analysis.landmarks import HIST_OFFSET, OBS_WIDTH
from affectweb.analysis.tracking import Tracker


def _face(x: float, y: float, size: float = 100.0, hue_bin: int = 0) -> np.ndarray:
    row = np.zeros(OBS_WIDTH, dtype=np.float32)
    row[:4] = (x, y, size, size)
    row[HIST_OFFSET + hue_bin] = 1.0
    return row


def _frame(*faces: np.ndarray) -> np.ndarray:
    return np.stack(faces) if faces else np.zeros((0, OBS_WIDTH), dtype=np.float32)


def test_it_numbers_faces_in_order_of_appearance_and_follows_motion():
    tracker = Tracker()
    assert tracker.update(0, 0.0, _frame(_face(100, 100))) == ["0"]
    assert tracker.update(1, 0.04, _frame(_face(400, 100), _face(130, 110))) == ["1", "0"]
    assert tracker.update(2, 0.08, _frame(_face(160, 115), _face(420, 95))) == ["0", "1"]


def test_it_survives_a_short_drop_out():
    tracker = Tracker(max_gap=1.0)
    tracker.update(0, 0.0, _frame(_face(100, 100)))
    for i in range(1, 20):
        tracker.update(i, i / 30, _frame())
    assert tracker.update(20, 0.66, _frame(_face(120, 100))) == ["0"]


def test_it_gives_a_new_person_elsewhere_a_new_id():
    tracker = Tracker()
    tracker.update(0, 0.0, _frame(_face(100, 100)))
    assert tracker.update(1, 2.0, _frame(_face(900, 500, hue_bin=5))) == ["1"]


def test_it_gives_a_returning_person_the_old_id_after_a_long_absence():
    tracker = Tracker()
    tracker.update(0, 0.0, _frame(_face(100, 100)))
    assert tracker.update(1, 5.0, _frame(_face(110, 100))) == ["0"]
    assert tracker.update(2, 10.0, _frame(_face(110, 100, hue_bin=7))) == ["1"]  # different look
