"""MediaPipe Face Landmarker, run on a crop around each detected face.

Why a crop: the landmarker's built-in detector is short-range; a face that is small in
the frame is often missed. Cropping an expanded square around a full-range detection
(or around last frame's landmarks, see `pipeline.py`) makes every face large enough for
it, and a small crop is cheaper than the whole frame. Coordinates are mapped back to
frame pixels, so callers never see crop space.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .assets import face_landmarker_path

# The 52 blendshape names in the landmarker's output order (index 0 is "_neutral").
BLENDSHAPES: tuple[str, ...] = (
    "_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
    "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "eyeBlinkLeft",
    "eyeBlinkRight", "eyeLookDownLeft", "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight",
    "eyeLookOutLeft", "eyeLookOutRight", "eyeLookUpLeft", "eyeLookUpRight", "eyeSquintLeft",
    "eyeSquintRight", "eyeWideLeft", "eyeWideRight", "jawForward", "jawLeft", "jawOpen",
    "jawRight", "mouthClose", "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft",
    "mouthFrownRight", "mouthFunnel", "mouthLeft", "mouthLowerDownLeft", "mouthLowerDownRight",
    "mouthPressLeft", "mouthPressRight", "mouthPucker", "mouthRight", "mouthRollLower",
    "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthSmileLeft", "mouthSmileRight",
    "mouthStretchLeft", "mouthStretchRight", "mouthUpperUpLeft", "mouthUpperUpRight",
    "noseSneerLeft", "noseSneerRight",
)

OUTER_EYE_CORNERS = (33, 263)  # interocular distance, as the vendor defined it
INNER_LIPS = (13, 14)  # upper / lower inner lip midpoints: how far the lips are apart
CROP_EXPAND = 2.0  # crop side / face size: room for head motion and the landmarker's detector
HIST_BINS = (8, 4)  # hue × saturation histogram: a cheap appearance cue for re-identification

# Packed observation layout (one float32 row per face): cheap to send between processes.
GEOMETRY = ("x", "y", "w", "h", "interocular", "luminance", "pitch", "yaw", "roll", "lip_gap")
OBS_WIDTH = len(GEOMETRY) + len(BLENDSHAPES) + HIST_BINS[0] * HIST_BINS[1]
BS_OFFSET = len(GEOMETRY)
HIST_OFFSET = BS_OFFSET + len(BLENDSHAPES)


@dataclass
class FaceObservation:
    """One face in one frame, in frame pixels."""

    box: tuple[float, float, float, float]  # x, y, w, h of the landmark hull
    interocular: float  # px between outer eye corners
    luminance: float  # mean grey level inside the box, 0–255
    pitch: float  # degrees, from the facial transformation matrix
    yaw: float
    roll: float
    lip_gap: float  # inner-lip distance / interocular distance
    blendshapes: np.ndarray  # float32 (52,), order of BLENDSHAPES
    histogram: np.ndarray  # float32 (32,), L1-normalised hue/saturation

    def pack(self) -> np.ndarray:
        head = np.array(
            [*self.box, self.interocular, self.luminance, self.pitch, self.yaw, self.roll, self.lip_gap],
            dtype=np.float32,
        )
        return np.concatenate([head, self.blendshapes.astype(np.float32), self.histogram.astype(np.float32)])


def head_pose(matrix: np.ndarray) -> tuple[float, float, float]:
    """Pitch, yaw, roll in degrees from the 4×4 facial transformation matrix.

    Decomposed as R = Rz(roll)·Ry(yaw)·Rx(pitch) in MediaPipe's metric face space
    (x right, y up, z towards the camera). A frontal face gives ~(0, 0, 0)."""
    r = matrix[:3, :3]
    pitch = math.degrees(math.atan2(r[2, 1], r[2, 2]))
    yaw = math.degrees(math.atan2(-r[2, 0], math.hypot(r[2, 1], r[2, 2])))
    roll = math.degrees(math.atan2(r[1, 0], r[0, 0]))
    return pitch, yaw, roll


def expanded_square(box: tuple[float, float, float, float], frame_w: int, frame_h: int,
                    expand: float = CROP_EXPAND) -> tuple[int, int, int, int]:
    """An integer crop (x0, y0, x1, y1) around `box`, clipped to the frame."""
    x, y, w, h = box
    side = max(w, h) * expand
    cx, cy = x + w / 2, y + h / 2
    x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
    x1, y1 = int(min(frame_w, cx + side / 2)), int(min(frame_h, cy + side / 2))
    return x0, y0, x1, y1


def _create(mode: str, num_faces: int, min_confidence: float):
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(face_landmarker_path())),
        running_mode=vision.RunningMode.VIDEO if mode == "video" else vision.RunningMode.IMAGE,
        num_faces=num_faces,
        min_face_detection_confidence=min_confidence,
        min_face_presence_confidence=min_confidence,
        min_tracking_confidence=min_confidence,
        output_face_blendshapes=True,
        output_facial_transformation_matrixes=True,
    )
    return vision.FaceLandmarker.create_from_options(options)


def _observation(frame: np.ndarray, result, i: int, origin: tuple[float, float],
                 size: tuple[float, float]) -> FaceObservation | None:
    """Face `i` of a landmarker result on an image that covers `size` frame pixels from
    `origin` (the whole frame, or a crop) → observation in frame pixels."""
    fh, fw = frame.shape[:2]
    pts = np.array([(p.x, p.y) for p in result.face_landmarks[i]], dtype=np.float32)
    pts[:, 0] = origin[0] + pts[:, 0] * size[0]
    pts[:, 1] = origin[1] + pts[:, 1] * size[1]
    bx0, by0 = np.clip(pts.min(0), 0, None)
    bx1, by1 = np.minimum(pts.max(0), (fw, fh))
    if bx1 - bx0 < 4 or by1 - by0 < 4:
        return None
    iod = float(np.linalg.norm(pts[OUTER_EYE_CORNERS[0]] - pts[OUTER_EYE_CORNERS[1]]))
    lip_gap = float(np.linalg.norm(pts[INNER_LIPS[0]] - pts[INNER_LIPS[1]])) / max(iod, 1e-6)
    face = frame[int(by0):int(math.ceil(by1)), int(bx0):int(math.ceil(bx1))]
    pitch, yaw, roll = head_pose(np.asarray(result.facial_transformation_matrixes[i]))
    return FaceObservation(
        box=(float(bx0), float(by0), float(bx1 - bx0), float(by1 - by0)),
        interocular=iod,
        luminance=float(cv2.cvtColor(face, cv2.COLOR_RGB2GRAY).mean()),
        pitch=pitch, yaw=yaw, roll=roll,
        lip_gap=lip_gap,
        blendshapes=np.array([c.score for c in result.face_blendshapes[i]], dtype=np.float32),
        histogram=_hue_saturation_histogram(face),
    )


def _mp_image(rgb: np.ndarray):
    import mediapipe as mp

    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


class Landmarker:
    """Runs the Face Landmarker on crops; `measure(frame, box)` → FaceObservation | None."""

    def __init__(self, crop_size: int = 256, min_confidence: float = 0.6) -> None:
        # IMAGE mode: each crop is a new image. Two faces: a neighbour may share the
        # crop; we keep the centred one.
        self._landmarker = _create("image", 2, min_confidence)
        self.crop_size = crop_size

    def measure(self, frame: np.ndarray, box: tuple[float, float, float, float]) -> FaceObservation | None:
        fh, fw = frame.shape[:2]
        x0, y0, x1, y1 = expanded_square(box, fw, fh)
        if x1 - x0 < 16 or y1 - y0 < 16:
            return None
        crop = frame[y0:y1, x0:x1]
        # Isotropic scaling only, so the head-pose matrix is unaffected by the crop.
        scale = min(1.0, self.crop_size / max(crop.shape[:2]))
        if scale < 1.0:
            crop = cv2.resize(crop, (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale))),
                              interpolation=cv2.INTER_LINEAR)
        result = self._landmarker.detect(_mp_image(crop))
        if not result.face_landmarks:
            return None
        # Keep the face nearest the crop centre: that is the one we were asked about.
        best = min(range(len(result.face_landmarks)),
                   key=lambda i: (result.face_landmarks[i][1].x - 0.5) ** 2 + (result.face_landmarks[i][1].y - 0.5) ** 2)
        return _observation(frame, result, best, (x0, y0), ((x1 - x0), (y1 - y0)))

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None


class FrameTracker:
    """The landmarker in VIDEO mode on whole frames: MediaPipe tracks each face from its
    previous landmarks and runs its (short-range) detector only when it loses one, which
    costs ~10 ms a frame instead of ~15 ms per face for a crop. It only sees faces large
    enough for that detector, so the pipeline checks it against the full-range detector.
    One instance per decoded segment: its tracking state must not leak between videos."""

    def __init__(self, num_faces: int, min_confidence: float = 0.6) -> None:
        self._landmarker = _create("video", num_faces, min_confidence)
        self._clock_ms = 0  # VIDEO mode wants increasing time stamps; any will do

    def measure(self, frame: np.ndarray) -> list[FaceObservation]:
        self._clock_ms += 33
        result = self._landmarker.detect_for_video(_mp_image(frame), self._clock_ms)
        fh, fw = frame.shape[:2]
        found = (_observation(frame, result, i, (0.0, 0.0), (fw, fh)) for i in range(len(result.face_landmarks)))
        return [obs for obs in found if obs is not None]

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None


def _hue_saturation_histogram(face: np.ndarray) -> np.ndarray:
    small = cv2.resize(face, (32, 32), interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1], None, list(HIST_BINS), [0, 180, 0, 256]).ravel()
    return (hist / max(hist.sum(), 1.0)).astype(np.float32)
