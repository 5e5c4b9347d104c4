"""Decoding what a client sends: a still image, or a video sampled once per second.

PyAV (FFmpeg) opens everything first: it reads the dimensions and duration from the
headers *before* decoding, so a decompression bomb or a three-hour video is refused at
the cost of a header read. The container is probed from the bytes, never taken from a
file name or content type the client chose. Videos and GIFs are then decoded by PyAV,
JPEG and PNG by OpenCV (see `_decode_still`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass

import av
import cv2
import numpy as np

# FFmpeg demuxer names of the formats the Clarifai API accepted: JPEG, PNG, GIF
# (still or animated), MP4 (whose demuxer also reads QuickTime .mov).
IMAGE_FORMATS = {"jpeg_pipe", "png_pipe"}
GIF = "gif"
VIDEO_FORMATS = {"mov,mp4,m4a,3gp,3g2,mj2"}
REDUCED_READ = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4,
                8: cv2.IMREAD_REDUCED_COLOR_8}
# Shortest side, pixels: smaller says nothing a classifier can read.
MIN_SIZE = 16


class MediaError(Exception):
    """The input cannot be tagged; the message is meant for the client."""


@dataclass(frozen=True)
class Limits:
    max_pixels: int = 3840 * 2160  # per frame, of still images and video alike
    min_size: int = MIN_SIZE
    max_video_seconds: float = 600.0


@dataclass
class Still:
    rgb: np.ndarray


@dataclass
class Video:
    """Lazily decoded: iterate `segments` once, holding one frame at a time."""

    container: av.container.InputContainer
    limits: Limits

    def segments(self) -> Iterator[tuple[float, np.ndarray]]:
        """(second, RGB frame) for the first frame shown in each second of media time."""
        with self.container:
            stream = self.container.streams.video[0]
            stream.thread_type = "AUTO"  # frame threads: decoding, not tagging, dominates
            start = float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0
            wanted = 0
            try:
                for frame in self.container.decode(stream):
                    if frame.time is None:
                        continue
                    t = frame.time - start
                    if t > self.limits.max_video_seconds:
                        # The header understated the duration: stop where the limit says.
                        return
                    if t >= wanted - 1e-3:
                        yield float(math.floor(t + 1e-3)), _rgb(frame)
                        wanted = math.floor(t + 1e-3) + 1
            except av.error.FFmpegError as exc:
                raise MediaError(f"the video could not be decoded: {exc}") from exc


def _rgb(frame: av.VideoFrame) -> np.ndarray:
    rgb = frame.to_ndarray(format="rgb24")
    # The display matrix (phones record upright video sideways) is counter-clockwise
    # degrees; np.rot90 also turns counter-clockwise.
    quarter_turns = round((frame.rotation or 0) / 90) % 4
    return np.ascontiguousarray(np.rot90(rgb, quarter_turns)) if quarter_turns else rgb


def _check_size(stream: av.video.stream.VideoStream, limits: Limits) -> None:
    width, height = stream.codec_context.width, stream.codec_context.height
    if not width or not height:
        raise MediaError("the media has no readable picture size")
    if width * height > limits.max_pixels:
        raise MediaError(f"{width}×{height} pixels is more than the limit of {limits.max_pixels}")
    if min(width, height) < limits.min_size:
        raise MediaError(f"{width}×{height} pixels is smaller than the minimum of {limits.min_size} on each side")


def _decode_still(data: bytes, shortest: int) -> np.ndarray:
    """JPEG and PNG through OpenCV: it applies the EXIF orientation (phones store photos
    sideways), and decodes a large JPEG at 1/2, 1/4 or 1/8 scale in the DCT domain, many
    times faster than decoding every pixel the classifier's 224×224 input would discard."""
    # The classifier reads the central 87.5 % of the shorter side at 224 px: keep ≥ 256.
    factor = max((f for f in (1, 2, 4, 8) if shortest // f >= 256), default=1)
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), REDUCED_READ[factor])
    if bgr is None:
        raise MediaError("the image could not be decoded")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _first_frames(container: av.container.InputContainer, count: int) -> list[av.VideoFrame]:
    frames = []
    for frame in container.decode(video=0):
        frames.append(frame)
        if len(frames) == count:
            break
    return frames


def open_media(data: bytes, limits: Limits) -> Still | Video:
    """A `Still` or a `Video` from the bytes of a JPEG, PNG, GIF or MP4, else `MediaError`."""
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.error.FFmpegError, ValueError) as exc:
        raise MediaError("not an image or video in a supported format (JPEG, PNG, GIF, MP4)") from exc
    fmt = container.format.name
    if fmt not in IMAGE_FORMATS | VIDEO_FORMATS | {GIF} or not container.streams.video:
        container.close()
        raise MediaError(f"unsupported format {fmt!r}: send JPEG, PNG, GIF or MP4")
    try:
        _check_size(container.streams.video[0], limits)
        if fmt in VIDEO_FORMATS:
            duration = (container.duration or 0) / av.time_base
            if duration > limits.max_video_seconds:
                raise MediaError(f"the video lasts {duration:.0f} s, more than the limit of "
                                 f"{limits.max_video_seconds:.0f} s")
            return Video(container, limits)
        if fmt in IMAGE_FORMATS:
            context = container.streams.video[0].codec_context
            container.close()
            return Still(_decode_still(data, min(context.width, context.height)))
        frames = _first_frames(container, 2)
        if not frames:
            raise MediaError("the image has no picture in it")
        if fmt == GIF and len(frames) > 1:
            # An animated GIF is a video: start again from its first frame.
            container.close()
            return Video(av.open(io.BytesIO(data), mode="r"), limits)
        container.close()
        return Still(_rgb(frames[0]))
    except av.error.FFmpegError as exc:
        container.close()
        raise MediaError(f"the media could not be decoded: {exc}") from exc
    except MediaError:
        container.close()
        raise
