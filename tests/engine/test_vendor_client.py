"""The engine driven over real HTTP, with a real worker, by a client written the way the
vendor's own library was (tests/engine/vendor_client.py)."""

from __future__ import annotations

import hashlib
import io
import json
import tracemalloc
from urllib.parse import urlsplit

import av
import numpy as np
import pytest

from affectweb.protocols.affectiva import CSV, METRICS_V0, SESSION_V0
from tests.engine.conftest import PASSWORD, USERNAME
from tests.engine.vendor_client import VendorStyleClient


@pytest.fixture
def vendor(live_server, transactional_db, account) -> VendorStyleClient:
    port = urlsplit(live_server.url).port
    return VendorStyleClient(f"http://127.0.0.1:{port}/engine/affectiva/", USERNAME, PASSWORD)


def content_types(entry: dict) -> set[str]:
    return {r["content_type"] for r in entry["representations"]}


def download(vendor: VendorStyleClient, rep: dict) -> bytes:
    out = io.BytesIO()
    vendor.save_media(rep, out)
    return out.getvalue()


def test_the_vendors_way_of_calling_works_for_every_operation(vendor, workers, assets_dir):
    image, video = assets_dir / "fixtures/single_face.jpg", assets_dir / "fixtures/single_face.mp4"
    created = vendor.create_job(image, "no-op")
    assert created.status_code == 201
    job = created.json()
    job_url = job["self"]
    assert vendor.job_id(job_url).isdigit()
    assert vendor.job_id(job_url) in [vendor.job_id(j["self"]) for j in vendor.list_jobs()]

    # Renamed while queued: the run does the new analysis.
    renamed = vendor.rename(job_url, "current-pack")
    assert renamed.status_code == 200 and renamed.json()["name"] == "current-pack"
    workers.start()
    done = vendor.wait(job_url)
    assert done["status"] == "done", done.get("error")
    assert content_types(done["result"]) == {METRICS_V0, CSV}
    legacy = next(r for r in done["result"]["representations"] if r["content_type"] == METRICS_V0)
    assert json.loads(download(vendor, legacy))["content_type"] == METRICS_V0

    # Renamed when done, then requeued: the old result until the new one is attached.
    assert vendor.rename(job_url, "multiface").json()["result"] == done["result"]
    requeued = vendor.requeue(job_url)
    assert requeued.status_code == 200
    assert requeued.json()["status"] in ("queued", "working", "done")  # a free worker may be quick
    rerun = vendor.wait(job_url)
    assert rerun["status"] == "done" and rerun["name"] == "multiface"
    assert rerun["result"]["self"] == done["result"]["self"]
    assert content_types(rerun["result"]) == {SESSION_V0, CSV}
    session = next(r for r in rerun["result"]["representations"] if r["content_type"] == SESSION_V0)
    assert json.loads(download(vendor, session))["frames"][0]["faces"]

    # Annotations posted as a JSON string without a Content-Type, listed, one deleted.
    entry = rerun["input"]
    for key, value in (("age", "34"), ("context", "lab")):
        assert vendor.add_annotation(entry, key, value, "Acme Research").status_code == 201
    listed = vendor.annotations(entry)
    assert [(a["key"], a["value"], a["source"]) for a in listed] == [
        ("age", "34", "Acme Research"), ("context", "lab", "Acme Research")]
    assert vendor.delete(listed[0]["self"]).status_code == 204
    assert [a["key"] for a in vendor.annotations(entry)] == ["context"]

    # Another representation of the input, then its bytes replaced.
    added = vendor.add_representation(entry, video, "video/mp4")
    assert added.status_code == 201
    rep = added.json()
    assert download(vendor, rep) == video.read_bytes()
    replaced = vendor.replace_representation(rep, image, "image/jpeg")
    assert replaced.status_code == 200 and replaced.json()["content_type"] == "image/jpeg"
    assert download(vendor, replaced.json()) == image.read_bytes()
    assert len(vendor.query_job(job_url)["input"]["representations"]) == 2

    assert vendor.delete(job_url).status_code == 204
    assert vendor.job_id(job_url) not in [vendor.job_id(j["self"]) for j in vendor.list_jobs()]


def big_video(path, frames: int) -> None:
    """An uncompressed 640×360 video: about 0.35 MB a frame, so megabytes fast."""
    rng = np.random.default_rng(7)
    with av.open(str(path), "w", format="matroska") as out:
        stream = out.add_stream("rawvideo", rate=25)
        stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
        for _ in range(frames):
            picture = rng.integers(0, 256, (360, 640, 3), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


class Digest(io.RawIOBase):
    """A write-only file that keeps only the hash and size of what is written."""

    def __init__(self):
        self.hash, self.size = hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.hash.update(data)
        self.size += len(data)
        return len(data)


def test_large_uploads_and_downloads_stream_without_being_held_in_memory(vendor, tmp_path):
    path = tmp_path / "long-take.mkv"
    big_video(path, 200)
    size = path.stat().st_size
    assert size > 64 * 1024 * 1024
    expected = hashlib.sha256(path.read_bytes()).hexdigest()

    # Both ends run in this process (the live server is a thread), so tracemalloc sees
    # every buffer either of them holds: upload, multipart parsing, storing, download.
    tracemalloc.start()
    try:
        created = vendor.create_job(path, "no-op")
        assert created.status_code == 201, created.text
        [rep] = created.json()["input"]["representations"]
        out = Digest()
        vendor.save_media(rep, out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rep["content_type"] == "video/x-matroska"
    assert (out.size, out.hash.hexdigest()) == (size, expected)
    assert peak < 16 * 1024 * 1024, f"peak {peak / 2**20:.1f} MB for a {size / 2**20:.0f} MB file"
