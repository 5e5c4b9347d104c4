"""Group view benchmark: a study of 300 participants × 60 s at 30 fps, 39 metrics each.

Runs against a throw-away SQLite database; prints the figures docs/performance.md
("Group view") records: the group view's JSON and page, cold (nothing resampled yet) and
warm (per-media curves cached), with and without a group split, and the exports.
Usage: .venv/bin/python bench/bench_group.py [--participants N]
"""

from __future__ import annotations

import argparse
import time

import benchenv  # noqa: F401, I001 - first: sets up Django on a throw-away database

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from affectweb.analysis.vocabulary import METRICS as VOCABULARY  # noqa: E402
from affectweb.dashboard.models import FaceTrack, Media, Study, pack_arrays  # noqa: E402
from affectweb.research.models import Alignment, Annotation, Marker, SeriesCache  # noqa: E402
from affectweb.research.tasks import warm  # noqa: E402

FPS, SECONDS = 30, 60
METRICS = list(VOCABULARY)


def build(participants: int) -> Study:
    rng = np.random.default_rng(1)
    owner = get_user_model().objects.create_user("bench", password="pw")
    study = Study.objects.create(owner=owner, name="bench")
    n = FPS * SECONDS
    times = np.arange(n) / FPS
    for p in range(participants):
        media = Media.objects.create(study=study, name=f"p{p}.webm", kind="video", content_type="video/webm",
                                     size=1, duration=SECONDS, status=Media.Status.DONE, frame_count=n,
                                     metric_names=METRICS, result_sha256=f"{p:064x}")
        arrays = {"times": times, "frames": np.arange(n, dtype=np.int32)}
        for m in METRICS:
            arrays[m] = np.clip(50 + np.cumsum(rng.uniform(-2, 2, n)), 0, 100).astype(np.float32)
        FaceTrack.objects.create(media=media, face_id="0", position=0, frame_count=n, start=0.0,
                                 end=times[-1], data=pack_arrays(arrays))
        Alignment.objects.create(media=media, offset=float(rng.uniform(-0.5, 0.5)))
        Annotation.objects.create(media=media, key="age", value=["18-29", "30-49", "50+"][p % 3])
    for i in range(6):
        Marker.objects.create(study=study, name=f"scene {i}", start=i * 10.0, end=i * 10.0 + 8)
    return study


def timed(fn, repeat: int = 5) -> tuple[float, float]:
    """Best of `repeat`: (wall ms, CPU ms)."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        best, best_cpu = min(best, time.perf_counter() - start), min(best_cpu, time.process_time() - cpu)
    return best * 1000, best_cpu * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=300)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    setup_test_environment()
    t0 = time.perf_counter()
    study = build(args.participants)
    print(f"built {args.participants} participants × {SECONDS} s × {FPS} fps × {len(METRICS)} metrics "
          f"in {time.perf_counter() - t0:.1f} s")
    client = Client()
    client.force_login(study.owner)
    base = f"/research/studies/{study.pk}/"

    def get(url, **params):
        r = client.get(url, params)
        assert r.status_code == 200, r.status_code
        return r

    rows = []
    # Templates resolve static URLs without collectstatic's manifest.
    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(DEBUG=False, STORAGES=static):
        def cold():
            SeriesCache.objects.all().delete()
            get(base + "group.json", metric="joy")
        rows.append(("group.json, cold (resample 300 media)", *timed(cold, 2)))
        rows.append(("group.json, warm", *timed(lambda: get(base + "group.json", metric="joy"))))
        first = Media.objects.filter(study=study).order_by("pk").first()

        def warm_one():
            SeriesCache.objects.filter(media=first).delete()
            warm(first.pk)
        rows.append(("worker: warm job after one ingestion (all charted metrics)", *timed(warm_one)))
        rows.append(("group.json, warm, 3 groups by age", *timed(lambda: get(base + "group.json", metric="joy", by="age"))))
        rows.append(("group view page, warm", *timed(lambda: get(base))))
        size = len(get(base + "group.json", metric="joy", by="age").content)
        rows.append(("groups.csv, warm, by age", *timed(lambda: b"".join(get(base + "groups.csv", metric="joy", by="age").streaming_content), 3)))
        rows.append(("long.csv (all frames, all metrics)", *timed(lambda: sum(len(c) for c in get(base + "long.csv").streaming_content), 1)))
    print("| request | wall ms | CPU ms |\n| --- | ---: | ---: |")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.0f} | {cpu:.0f} |")
    print(f"group.json with 3 groups: {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
