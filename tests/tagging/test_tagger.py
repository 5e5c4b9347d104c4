import cv2

from affectweb.tagging.media import Limits, open_media

from .conftest import encode_video, orange_disc


def still(assets_dir, name):
    return open_media((assets_dir / "fixtures" / name).read_bytes(), Limits())


def test_it_tags_a_face_as_a_person(tagger, assets_dir):
    (tags,) = tagger.tag_stills([still(assets_dir, "single_face.jpg")])
    assert tags.classes[:2] == ["face", "person"] and tags.probs[0] > 0.7
    assert "people" not in tags.classes
    assert len(tags.classes) == len(tags.probs) == 20 and tags.probs == sorted(tags.probs, reverse=True)


def test_it_tags_a_group_as_people(tagger, assets_dir):
    (tags,) = tagger.tag_stills([still(assets_dir, "multi_face.jpg")])
    assert {"face", "person", "people"} <= set(tags.classes[:3])


def test_it_scores_exactly_the_selected_classes(tagger, assets_dir):
    (tags,) = tagger.tag_stills([still(assets_dir, "multi_face.jpg")], ["People", "bikini", "no such thing"])
    assert tags.classes == ["People", "bikini", "no such thing"]
    assert tags.probs[0] > 0.7 and 0.1 < tags.probs[1] < 1 and tags.probs[2] == 0.0


def test_it_tags_a_video_once_per_second(tagger, assets_dir):
    face = cv2.resize(still(assets_dir, "single_face.jpg").rgb, (320, 320))
    frames = [face] * 20 + [orange_disc()[64:384, 64:384]] * 15  # 3.5 s at 10 fps
    result = tagger.tag_video(open_media(encode_video(frames, fps=10), Limits()))
    assert result.timestamps == [0.0, 1.0, 2.0, 3.0]
    assert result.segments[0].classes[0] == "face"
    assert result.segments[3].classes[0] == "ping-pong ball"
    assert "face" not in result.segments[3].classes


def test_it_can_skip_the_tags_for_embeddings_alone(tagger, assets_dir):
    (only_embedding,) = tagger.tag_stills([still(assets_dir, "single_face.jpg")], tags=False)
    (both,) = tagger.tag_stills([still(assets_dir, "single_face.jpg")])
    assert only_embedding.classes == only_embedding.probs == []
    assert only_embedding.embedding == both.embedding
