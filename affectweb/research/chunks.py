"""The chunks of unfinished webcam recordings, in a private folder outside the media
storage (`settings.RECORDING_CHUNKS_DIR`, shared by every web machine) until the
recording is committed as a Media (see recordings.py). One folder per recording key."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import IO

from django.conf import settings

FILE_NAME = "recording.webm"


def root() -> Path:
    return Path(settings.RECORDING_CHUNKS_DIR)


def _path(key: str) -> Path:
    return root() / key / FILE_NAME


def write(key: str, offset: int, data: bytes) -> None:
    """Put `data` at byte `offset`, dropping anything after it (what a broken-off earlier
    attempt at the same chunk may have left)."""
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as fh:
        fh.truncate(offset)
        fh.seek(offset)
        fh.write(data)


def open_recording(key: str) -> IO[bytes]:
    return open(_path(key), "rb")


def discard(key: str) -> None:
    shutil.rmtree(root() / key, ignore_errors=True)


def discard_all_but(keys: set[str]) -> None:
    """Remove every recording folder whose key is not in `keys` (left by a crash)."""
    if root().is_dir():
        for folder in root().iterdir():
            if folder.name not in keys:
                shutil.rmtree(folder, ignore_errors=True)
