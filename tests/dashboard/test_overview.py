"""The studies list and a study's page as an overview: counts, video time, face coverage."""

from __future__ import annotations

import json

import pytest

from affectweb.dashboard.models import Media, Study
from affectweb.dashboard.overview import StudyCounts, counts
from affectweb.protocols.affectiva import SESSION_V0
from tests.clients.fake_provider import session_json
from tests.dashboard.helpers import ingest_bytes
from tests.factories import MediaFactory, StudyFactory


def _faces_in(media: Media, frames: int, with_face: int) -> Media:
    """Ingest `frames` frames of which the first `with_face` show one face."""
    doc = [{"time": i / 10, "faces": {"0": {"joy": 10.0}} if i < with_face else {}} for i in range(frames)]
    ingest_bytes(media, json.dumps({"content_type": SESSION_V0, "frames": doc}).encode())
    media.refresh_from_db()
    return media


@pytest.fixture
def busy(study):
    """A study in mid-work: two analysed videos (one mostly faceless), a still with one
    face, one video in flight and one failed."""
    ingest_bytes(MediaFactory(study=study, name="a.mp4", duration=60.0), session_json(frames=30, faces=2))
    _faces_in(MediaFactory(study=study, name="b.mp4", duration=30.4), frames=100, with_face=20)
    ingest_bytes(MediaFactory(study=study, name="group.jpg", kind="image", duration=0.0), session_json(frames=1))
    MediaFactory(study=study, name="c.mp4", duration=12.0, status=Media.Status.WORKING, progress=0.4)
    MediaFactory(study=study, name="d.mp4", duration=5.0, status=Media.Status.ERROR, error="The provider refused it.")
    return study


def test_it_counts_what_each_study_holds(busy, user, django_assert_num_queries):
    StudyFactory(owner=user, name="empty")
    with django_assert_num_queries(2):  # however many studies
        numbers = counts(Study.objects.filter(owner=user))
    assert numbers[busy.pk] == StudyCounts(media=5, participants=2, faces=2 + 1 + 1, hours=107.4 / 3600,
                                           in_flight=1, failed=1, low_coverage=1)
    empty = Study.objects.get(name="empty")
    assert numbers[empty.pk] == StudyCounts()


@pytest.mark.parametrize("seconds, said", [(0, "0 s"), (45.4, "45 s"), (92, "1 min 32 s"), (3599.6, "1 h 00 min"),
                                           (2 * 3600 + 5 * 60 + 10, "2 h 05 min")])
def test_it_says_video_time_as_a_person_would(seconds, said):
    assert StudyCounts(hours=seconds / 3600).video_time == said


def test_the_studies_list_shows_the_counts_and_what_needs_attention(alice, busy):
    html = alice.get("/").content.decode()
    row = html[html.index(f'<tr data-study="{busy.pk}">'):]
    row = row[:row.index("</tr>")]
    assert '<td data-label="Media">5</td>' in row and '<td data-label="Participants">2</td>' in row
    assert '<td data-label="Faces">4</td>' in row and "1 min 47 s" in row
    assert "1 in flight" in row and "1 failed" in row and "1 low coverage" in row and "ready" not in row


def test_the_study_page_lists_duration_faces_and_coverage_per_media(alice, busy):
    Media.objects.filter(name="a.mp4").update(participant="panel A")
    html = alice.get(f"/studies/{busy.pk}/").content.decode()
    assert "<strong>1 min 47 s</strong><span>of video</span>" in html

    def row(name: str) -> str:
        start = html.index(f">{name}</a>")
        return html[start:html.index("</tr>", start)]

    assert "participant panel A" in row("a.mp4") and "60.0 s" in row("a.mp4") and "100%" in row("a.mp4")
    b = row("b.mp4")
    assert "30.4 s" in b and "20%" in b and 'class="badge warn"' in b  # a face in 20 of 100 frames
    assert '<td data-label="Faces">1</td>' in row("group.jpg") and '<td data-label="Duration" class="nowrap">—</td>' in row("group.jpg")
    assert "working 40%" in row("c.mp4") and "The provider refused it." in row("d.mp4") and "Retry" in row("d.mp4")
