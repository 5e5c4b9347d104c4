"""A playable copy of media that browsers cannot show (HEVC from phones, MPEG-4 part 2,
ProRes, TIFF …): H.264 in MP4 for video, JPEG for stills, made in the worker with PyAV.

The analysis always reads the original; the copy is only for the player, so it is
decoded as displayed (rotation applied, as the face boxes are) and capped at 1080 lines.
Files go through the storage API: the original is copied to a temporary file to be
decoded (it may live on S3), and the copy is saved with `default_storage.save()`.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from django.core.files import File
from django.core.files.storage import default_storage
from PIL import Image

from affectweb.analysis.media import iter_frames
from affectweb.analysis.types import MediaError, MediaInfo
from affectweb.dashboard.models import Media

# What Chromium, Firefox and Safari all decode without hardware help.
PLAYABLE_VIDEO = frozenset({"h264", "vp8", "vp9", "av1"})
PLAYABLE_CONTAINERS = ("mov", "mp4", "webm", "matroska")
PLAYABLE_IMAGES = frozenset({"mjpeg", "png", "gif", "webp", "bmp"})
MAX_LINES = 1080
TIME_BASE = Fraction(1, 90000)
CHUNK = 1 << 20
log = logging.getLogger(__name__)


def browser_can_show(info: MediaInfo) -> bool:
    if info.kind == "image":
        return info.codec in PLAYABLE_IMAGES
    return info.codec in PLAYABLE_VIDEO and any(c in info.container.split(",") for c in PLAYABLE_CONTAINERS)


def _even(n: float) -> int:
    return max(2, int(n) // 2 * 2)


def _size(width: int, height: int) -> tuple[int, int]:
    factor = min(1.0, MAX_LINES / max(1, min(width, height)))
    return _even(width * factor), _even(height * factor)


def _audio_packets(src: Path, out: av.container.OutputContainer):
    """AAC packets of the source's sound as (seconds, packets), ending with (inf, []); or
    None for a silent video. The stream is added now: a container takes no new stream
    once writing began."""
    container = av.open(str(src))
    if not container.streams.audio:
        container.close()
        return None
    stream = out.add_stream("aac", rate=48000)
    stream.layout = "stereo"

    def packets():
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000)
        source = container.streams.audio[0]
        start = float((source.start_time or 0) * (source.time_base or 0))
        with container:
            try:
                for frame in container.decode(source):
                    at = (frame.time or 0.0) - start
                    frame.pts = None
                    for piece in resampler.resample(frame):
                        yield at, stream.encode(piece)
            except av.FFmpegError as e:  # damaged sound: keep what came before, the picture matters
                log.warning("the sound of a playable copy stops early: %s", e)
            yield float("inf"), [p for piece in resampler.resample(None) for p in stream.encode(piece)] + list(stream.encode(None))

    return packets()


def _video_copy(src: Path, dest: Path, width: int, height: int) -> None:
    with av.open(str(dest), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream = out.add_stream("libx264", rate=30, options={"preset": "veryfast", "crf": "23"})
        stream.width, stream.height = _size(width, height)
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = TIME_BASE
        audio = _audio_packets(src, out)
        sound = next(audio) if audio else None
        last = -1
        for _, seconds, rgb in iter_frames(src):
            while sound is not None and sound[0] <= seconds:  # interleaved, for streaming
                out.mux(sound[1])
                sound = next(audio, None)
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            frame = frame.reformat(width=stream.width, height=stream.height, format="yuv420p")
            frame.pts = max(last + 1, round(seconds / TIME_BASE))
            frame.time_base = TIME_BASE
            last = frame.pts
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
        while sound is not None:
            out.mux(sound[1])
            sound = next(audio, None)


def _image_copy(src: Path, dest: Path) -> None:
    frame = next((rgb for _, _, rgb in iter_frames(src)), None)
    if frame is None:
        raise MediaError("the picture cannot be decoded")
    image = Image.fromarray(frame)
    image.thumbnail((4096, 4096))
    image.save(dest, "JPEG", quality=90)


def make_playable(media: Media) -> str:
    """Store a playable copy of `media`; its storage name. Raises MediaError."""
    suffix = ".jpg" if media.kind == "image" else ".mp4"
    with tempfile.TemporaryDirectory() as tmp:
        src, dest = Path(tmp) / "original", Path(tmp) / f"copy{suffix}"
        with media.file.open("rb") as fh, open(src, "wb") as out:
            shutil.copyfileobj(fh, out, CHUNK)
        try:
            if media.kind == "image":
                _image_copy(src, dest)
            else:
                _video_copy(src, dest, media.width, media.height)
        except av.FFmpegError as e:
            raise MediaError(f"no playable copy could be made ({e})") from e
        with open(dest, "rb") as fh:
            return default_storage.save(f"playable/{media.pk}{suffix}", File(fh))


def proxy(media_id: int) -> None:
    """The worker's job: make the copy and record it (or why there is none)."""
    media = Media.objects.filter(pk=media_id).first()
    if media is None or media.proxy_status != Media.Proxy.QUEUED:
        return
    try:
        name = make_playable(media)
    except (MediaError, OSError) as e:
        log.warning("no playable copy of media %s: %s", media_id, e)
        Media.objects.filter(pk=media_id).update(proxy_status=Media.Proxy.ERROR)
        return
    if not Media.objects.filter(pk=media_id).update(proxy=name, proxy_status=Media.Proxy.DONE):
        default_storage.delete(name)  # deleted meanwhile
