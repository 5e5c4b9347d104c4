"""Dashboard benchmarks: ingest an hour of three faces, render its page, list 500 media.

Runs against a throw-away SQLite database and media directory; prints the figures that
docs/performance.md ("Dashboard") records. Usage: .venv/bin/python bench/bench_dashboard.py
"""

from __future__ import annotations

import os
import random
import re
import resource
import time
from pathlib import Path

from benchenv import TMP  # first: sets up Django on a throw-away database

from django.core.management import call_command  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from affectweb.protocols.affectiva import SESSION_V0  # noqa: E402
from affectweb.analysis.vocabulary import METRICS as VOCABULARY  # noqa: E402
from affectweb.dashboard.ingest import ingest  # noqa: E402
from affectweb.dashboard.models import Media, Study  # noqa: E402

FPS, SECONDS, FACES = 30, 3600, 3
METRICS = list(VOCABULARY)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process, all threads: less sensitive than wall time to a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def write_session(path: Path) -> int:
    """An hour at 30 fps, three faces in every frame, random-walk metrics (streamed out)."""
    rng = random.Random(1)
    level = {m: 50.0 for m in METRICS}
    with open(path, "w") as out:
        out.write(f'{{"content_type": "{SESSION_V0}", "configuration": {{}}, "frames": [')
        for i in range(FPS * SECONDS):
            faces = []
            for f in range(FACES):
                for m in METRICS:
                    level[m] = min(100.0, max(0.0, level[m] + rng.uniform(-2, 2)))
                body = ", ".join(f'"{m}": {level[m] + f:.4f}' for m in METRICS)
                faces.append(f'"{f}": {{{body}}}')
            out.write(("," if i else "") + f'{{"time": {i / FPS:.4f}, "faces": {{{", ".join(faces)}}}}}')
        out.write("]}")
    return FPS * SECONDS * FACES


def timed(fn, repeat: int = 5) -> tuple[float, float, object]:
    """Best of `repeat`: (wall seconds, CPU seconds, the last result)."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best, best_cpu = min(best, time.perf_counter() - start), min(best_cpu, time.process_time() - cpu)
    return best, best_cpu, result


def main() -> None:
    load = os.getloadavg()[0]
    call_command("migrate", verbosity=0)
    setup_test_environment()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench", password="x")
    study = Study.objects.create(owner=user, name="bench")
    media = Media.objects.create(study=study, name="hour.mp4", kind="video", content_type="video/mp4",
                                 size=1, duration=SECONDS, file="uploads/none.mp4")

    path = TMP / "session.json"
    face_frames = write_session(path)
    size_mb = path.stat().st_size / 1e6
    before, cpu = rss_mb(), cpu_s()
    start = time.perf_counter()
    ingest(media, path, SESSION_V0)
    ingest_s, ingest_cpu = time.perf_counter() - start, cpu_s() - cpu
    peak = rss_mb()
    blob_mb = sum(len(f.data) for f in media.faces.all()) / 1e6

    client = Client()
    client.force_login(user)
    page_s, page_cpu, response = timed(lambda: client.get(f"/media/{media.pk}/"))
    assert response.status_code == 200
    chart = re.search(rb'<script id="chart-data" type="application/json">(.*?)</script>', response.content, re.S)
    zoom_s, zoom_cpu, _ = timed(lambda: client.get(f"/media/{media.pk}/series.json?metric=joy&start=600&end=900"))

    Media.objects.bulk_create([
        Media(study=study, name=f"clip{i}.mp4", kind="video", content_type="video/mp4", size=10_000_000,
              duration=60, status=random.choice(["queued", "working", "done", "error"]), progress=0.3,
              file=f"uploads/clip{i}.mp4")
        for i in range(499)
    ])
    list_s, list_cpu, response = timed(lambda: client.get(f"/studies/{study.pk}/"))
    assert response.status_code == 200 and response.content.count(b"data-media=") == 500
    status_s, _, _ = timed(lambda: client.get(f"/studies/{study.pk}/status.json"))

    print("Dashboard benchmarks")
    print(f"  session JSON: {FACES} faces x {SECONDS} s x {FPS} fps = {face_frames} face-frames, "
          f"{len(METRICS)} metrics, {size_mb:.0f} MB")
    print(f"  load average at the start: {load:.1f} on {os.cpu_count()} cores")
    print(f"  ingest: {ingest_s:.1f} s wall, {ingest_cpu:.1f} s CPU, peak RSS {peak:.0f} MB (before ingest {before:.0f} MB); "
          f"stored tracks {blob_mb:.1f} MB")
    print(f"  media page: {page_s * 1000:.0f} ms wall, {page_cpu * 1000:.0f} ms CPU, "
          f"chart data {len(chart.group(1)) / 1e3:.0f} kB")
    print(f"  series.json zoom (5 min window): {zoom_s * 1000:.0f} ms wall, {zoom_cpu * 1000:.0f} ms CPU")
    print(f"  media list with 500 media: {list_s * 1000:.0f} ms wall, {list_cpu * 1000:.0f} ms CPU; "
          f"status.json {status_s * 1000:.0f} ms")


if __name__ == "__main__":
    # Templates resolve static URLs without collectstatic's manifest.
    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=static):
        main()
