"""The setup page: alignment offsets, annotations (their sync: test_annotation_sync.py), markers, stimulus, links."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from affectweb.research.models import Alignment, Annotation, Marker, ParticipantLink, Stimulus
from affectweb.research.annotations import parse_annotations
from affectweb.research.questions import parse_questions
from tests.research.helpers import analysed


def test_it_parses_annotation_lines():
    assert parse_annotations("age: 30-49\n\ngroup = control\nage: 18-29") == {"age": "18-29", "group": "control"}
    with pytest.raises(ValueError):
        parse_annotations("no separator")


def test_it_parses_questions():
    assert parse_questions("age: Age range | 18-29, 30+\nnote: Anything?") == [
        {"key": "age", "label": "Age range", "choices": ["18-29", "30+"]},
        {"key": "note", "label": "Anything?", "choices": []}]


def test_it_saves_an_offset_and_annotations(alice, study, django_capture_on_commit_callbacks):
    media = analysed(study, 20)
    with django_capture_on_commit_callbacks() as callbacks:
        r = alice.post(f"/research/media/{media.pk}/", {"offset": "-1,5", "annotations": "age: 18-29\ncondition: A"})
    assert r.status_code == 302
    assert Alignment.objects.get(media=media).offset == -1.5
    assert dict(Annotation.objects.filter(media=media).values_list("key", "value")) == {"age": "18-29", "condition": "A"}
    assert len(callbacks) == 1  # a sync to the provider is queued
    alice.post(f"/research/media/{media.pk}/", {"offset": "0", "annotations": "age: 30-49"})
    row = Annotation.objects.get(media=media)
    assert (row.key, row.value, row.remote_url) == ("age", "30-49", "")
    page = alice.get(f"/research/studies/{study.pk}/setup").content.decode()
    assert "age: 30-49" in page
    r = alice.post(f"/research/media/{media.pk}/", {"offset": "soon", "annotations": ""}, follow=True)
    assert "offset is seconds" in r.content.decode()


def test_it_adds_and_deletes_markers(alice, study):
    media = analysed(study, 20)
    alice.post(f"/research/studies/{study.pk}/markers", {"name": "intro", "start": "0", "end": "2.5"})
    alice.post(f"/research/studies/{study.pk}/markers", {"name": "laugh", "start": "4", "media": media.pk})
    r = alice.post(f"/research/studies/{study.pk}/markers", {"name": "bad", "start": "5", "end": "1"}, follow=True)
    assert "an end, if given, after it" in r.content.decode()
    assert list(Marker.objects.values_list("name", "end", "media")) == [("intro", 2.5, None), ("laugh", None, media.pk)]
    alice.post(f"/research/markers/{Marker.objects.get(name='intro').pk}/delete")
    assert Marker.objects.count() == 1


def test_it_stores_a_stimulus_and_creates_and_revokes_links(alice, study, assets_dir):
    video = SimpleUploadedFile("film.mp4", (assets_dir / "fixtures/single_face.mp4").read_bytes(), "video/mp4")
    alice.post(f"/research/studies/{study.pk}/stimulus",
               {"file": video, "consent": "I agree.", "questions": "age: Age | 18-29, 30+"})
    stimulus = Stimulus.objects.get(study=study)
    assert stimulus.duration > 0 and stimulus.questions[0]["choices"] == ["18-29", "30+"]
    assert alice.get(f"/research/studies/{study.pk}/stimulus/file").status_code == 200
    bad = SimpleUploadedFile("notes.mp4", b"not a video" * 10)
    r = alice.post(f"/research/studies/{study.pk}/stimulus", {"file": bad, "consent": "x", "questions": ""}, follow=True)
    assert "notes.mp4" in r.content.decode()
    assert Stimulus.objects.get(study=study).name == "film.mp4"
    alice.post(f"/research/studies/{study.pk}/links", {"label": "panel", "single_use": "1", "days": "7"})
    link = ParticipantLink.objects.get()
    assert link.single_use and link.expires and len(link.token) >= 32 and link.usable()
    assert link.token in alice.get(f"/research/studies/{study.pk}/setup").content.decode()
    alice.post(f"/research/links/{link.pk}/revoke")
    link.refresh_from_db()
    assert link.revoked and not link.usable()
