"""Reading media with PyAV: validation, a frame plan, and streaming decode.

Files are judged by content, never by name: FFmpeg probes the bytes, and we decode a
first frame before calling anything media. Videos are decoded as a stream (one frame
in memory at a time). Frame times are presentation time stamps, shifted so the stream
starts at 0 s (MPEG-TS streams, for instance, start at 1.4 s).

Parallel workers each decode a slice of the video; so that every worker numbers frames
the same way, `plan_frames` first demuxes the whole file (packets only, no decoding:
fast) and fixes the list of frames to analyse and their indices.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterator

import av
import cv2
import numpy as np

from .types import MediaError, MediaInfo

IMAGE_CODECS = frozenset({"mjpeg", "png", "gif", "webp", "bmp", "tiff", "jpeg2000", "jpegls"})
MAX_CONSECUTIVE_ERRORS = 25  # undecodable packets in a row before we give up on a file


def _reason(exc: Exception) -> str:
    """FFmpeg's reason without its error number or the file's path: the message reaches
    people who uploaded a file, not the server's folders."""
    return str(getattr(exc, "strerror", None) or "its header cannot be read").lower()


def _open(path: str | os.PathLike):
    """Open a container, turning every way of failing into a readable `MediaError`."""
    name = os.path.basename(os.fspath(path))
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise MediaError(f"cannot read {name}: {exc.strerror or exc}") from exc
    if size == 0:
        raise MediaError(f"{name} is empty (0 bytes); upload the complete file")
    try:
        container = av.open(os.fspath(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise MediaError(
            f"{name} is not a video or image we can read; it may be truncated or in an "
            f"unsupported format ({_reason(exc)})"
        ) from exc
    if not container.streams.video:
        container.close()
        raise MediaError(f"{name} contains no video or picture (audio or data only)")
    return container


def _rotate(rgb: np.ndarray, rotation: int) -> np.ndarray:
    """Rotate a decoded frame clockwise by `rotation` degrees (0/90/180/270)."""
    if rotation == 90:
        return cv2.rotate(rgb, cv2.ROTATE_90_CLOCKWISE)
    if rotation == 180:
        return cv2.rotate(rgb, cv2.ROTATE_180)
    if rotation == 270:
        return cv2.rotate(rgb, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return rgb


def _clockwise(frame: av.VideoFrame, stream) -> int:
    """Display rotation as degrees clockwise, from the display matrix (FFmpeg ≥ 7 puts it
    on every decoded frame) or the old `rotate` metadata tag."""
    try:
        ccw = frame.rotation  # counter-clockwise, −180…180
    except Exception:  # noqa: BLE001 - older PyAV: no side-data accessor
        ccw = 0
    if not ccw:
        try:
            return int(round(float(stream.metadata.get("rotate", 0)) / 90)) * 90 % 360
        except ValueError:
            return 0
    return int(round(-ccw / 90)) * 90 % 360


def probe(path: str | os.PathLike) -> MediaInfo:
    """Validate `path` by decoding its first frame; describe it. Raises `MediaError`."""
    name = os.path.basename(os.fspath(path))
    with _open(path) as container:
        stream = container.streams.video[0]
        try:
            first = next(container.decode(stream), None)
        except av.FFmpegError as exc:
            raise MediaError(f"{name}: the first picture cannot be decoded ({_reason(exc)})") from exc
        if first is None:
            raise MediaError(f"{name} holds no decodable picture; it may be truncated")
        rotation = _clockwise(first, stream)
        width, height = first.width, first.height
        if rotation in (90, 270):
            width, height = height, width
        codec = stream.codec_context.name
        fmt = container.format.name
        still = codec in IMAGE_CODECS and (fmt == "image2" or fmt.endswith("_pipe") or fmt in ("gif", "webp"))
        if still and fmt == "gif":
            still = (stream.frames or 0) <= 1 and _count_packets(path, limit=2) <= 1
        if still:
            return MediaInfo("image", fmt, codec, width, height, rotation, 0.0, 0.0, 1)
        fps = float(stream.average_rate or stream.guessed_rate or 0.0)
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration:
            duration = container.duration / av.time_base
        else:
            duration = 0.0
        frames = stream.frames or int(round(duration * fps))
        return MediaInfo("video", fmt, codec, width, height, rotation, duration, fps, frames)


def _count_packets(path, limit: int) -> int:
    n = 0
    with av.open(os.fspath(path)) as container:
        for packet in container.demux(video=0):
            if packet.size:
                n += 1
                if n >= limit:
                    break
    return n


@dataclass
class FramePlan:
    """Which frames to analyse: their integer PTS (stream time base) and times in seconds."""

    pts: np.ndarray  # int64, increasing
    times: np.ndarray  # float64 seconds from the start of the stream
    time_base: float
    start_pts: int
    warnings: list[str] = field(default_factory=list)


def select_times(times: np.ndarray, sample_fps: float | None) -> np.ndarray:
    """Indices of the frames to keep: all, or the first frame at/after each 1/sample_fps tick."""
    if not sample_fps or len(times) == 0:
        return np.arange(len(times))
    ticks = np.floor((times - times[0]) * sample_fps + 1e-6).astype(np.int64)
    first_of_tick = np.ones(len(times), dtype=bool)
    first_of_tick[1:] = ticks[1:] != ticks[:-1]
    return np.flatnonzero(first_of_tick)


def plan_frames(path: str | os.PathLike, info: MediaInfo, sample_fps: float | None = None) -> FramePlan:
    """Demux (without decoding) to list every frame's PTS; note a file that ends early."""
    warnings: list[str] = []
    pts: list[int] = []
    with _open(path) as container:
        stream = container.streams.video[0]
        time_base = float(stream.time_base or 0) or 1.0 / 90000
        try:
            for packet in container.demux(stream):
                if packet.size and packet.pts is not None:
                    pts.append(packet.pts)
        except av.FFmpegError as exc:
            last = (max(pts) - (stream.start_time or min(pts, default=0))) * time_base if pts else 0.0
            warnings.append(f"decoding stopped at {last:.1f} s: {exc}")
        start = stream.start_time if stream.start_time is not None else min(pts, default=0)
    arr = np.unique(np.asarray(pts, dtype=np.int64))  # presentation order, no duplicates
    times = (arr - start) * time_base
    if info.kind == "video" and len(times) and not warnings and info.duration > 0:
        end = times[-1] + (1.0 / info.fps if info.fps else 0.0)
        if end < info.duration - max(1.0, 0.05 * info.duration):
            warnings.append(
                f"decoding stopped at {times[-1]:.1f} s: the file ends early "
                f"(its header says {info.duration:.1f} s); it looks truncated"
            )
    keep = select_times(times, sample_fps)
    return FramePlan(arr[keep], times[keep], time_base, int(start), warnings)


def decode_slice(path: str | os.PathLike, plan_pts: np.ndarray, first_index: int, rotation: int,
                 time_base: float, start_pts: int, warnings: list[str]) -> Iterator[tuple[int, float, np.ndarray]]:
    """Decode the planned frames `plan_pts` (a slice of a `FramePlan`), numbered from
    `first_index`. Seeks to the keyframe before the slice; undecodable packets are skipped
    and reported in `warnings` instead of failing the whole job."""
    if len(plan_pts) == 0:
        return
    lo, hi = int(plan_pts[0]), int(plan_pts[-1])
    with _open(path) as container:
        stream = container.streams.video[0]
        if lo > start_pts:
            try:
                container.seek(lo, stream=stream, backward=True, any_frame=False)
            except av.FFmpegError:
                container.seek(0)
        errors = 0
        last_time = (lo - start_pts) * time_base
        try:
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                    errors = 0
                except av.FFmpegError as exc:
                    errors += 1
                    if errors == 1:
                        warnings.append(f"decoding stopped at {last_time:.1f} s: {exc} (skipped damaged data)")
                    if errors > MAX_CONSECUTIVE_ERRORS:
                        return
                    continue
                for frame in frames:
                    if frame.pts is None:
                        continue
                    if frame.pts > hi:
                        return
                    pos = int(np.searchsorted(plan_pts, frame.pts))
                    if pos < len(plan_pts) and plan_pts[pos] == frame.pts:
                        last_time = (frame.pts - start_pts) * time_base
                        rgb = _rotate(frame.to_ndarray(format="rgb24"), rotation)
                        yield first_index + pos, last_time, rgb
        except av.FFmpegError as exc:
            warnings.append(f"decoding stopped at {last_time:.1f} s: {exc}")


def iter_frames(path: str | os.PathLike, sample_fps: float | None = None, start: float | None = None,
                end: float | None = None) -> Iterator[tuple[int, float, np.ndarray]]:
    """Yield (index, pts_seconds, rgb uint8 HxWx3) as displayed (rotation applied).

    `index` counts analysed frames from the start of the file, whatever `start` is, so
    slices of the same file agree. A still image yields one frame at 0.0 s."""
    info = probe(path)
    plan = plan_frames(path, info, sample_fps)
    lo = 0 if start is None else int(np.searchsorted(plan.times, start - 1e-9))
    hi = len(plan.times) if end is None else int(np.searchsorted(plan.times, end - 1e-9))
    yield from decode_slice(path, plan.pts[lo:hi], lo, info.rotation, plan.time_base, plan.start_pts, [])
