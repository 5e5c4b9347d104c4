import cv2
import numpy as np

from affectweb.tagging.classifier import preprocess

from .conftest import orange_disc


def top(classifier, rgb: np.ndarray, n: int = 3) -> list[str]:
    probs = classifier.classify([rgb]).probs[0]
    return [classifier.names[i] for i in np.argsort(-probs)[:n]]


def test_it_recognises_what_is_drawn(classifier):
    assert "ping-pong ball" in top(classifier, orange_disc())
    stripes = np.repeat(((np.arange(448) // 16) % 2 * 255).astype(np.uint8)[None, :, None], 448, 0).repeat(3, 2)
    assert top(classifier, stripes, 1) == ["window shade"]


def test_it_sees_the_beach_in_the_group_photo(classifier, assets_dir):
    rgb = cv2.imread(str(assets_dir / "fixtures" / "multi_face.jpg"))[:, :, ::-1]
    assert {"bikini", "maillot"} & set(top(classifier, rgb, 2))


def test_it_is_deterministic_and_batching_changes_nothing(classifier):
    frames = [orange_disc(), np.full((300, 500, 3), 90, np.uint8), orange_disc()[::-1]]
    one = np.concatenate([classifier.classify([f]).probs for f in frames])
    batch = classifier.classify(frames)
    again = classifier.classify(frames)
    np.testing.assert_array_equal(batch.probs, again.probs)
    np.testing.assert_allclose(batch.probs, one, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(batch.embeddings, axis=1), 1.0, rtol=1e-5)
    assert batch.probs.shape == (3, len(classifier.names)) and batch.embeddings.shape == (3, 1280)


def test_it_takes_the_central_square_like_torchvision():
    rgb = np.zeros((256, 512, 3), np.uint8)
    rgb[:, 128:384] = 255  # exactly the central square
    assert preprocess(rgb).shape == (224, 224, 3)
    assert preprocess(rgb).min() == 255
