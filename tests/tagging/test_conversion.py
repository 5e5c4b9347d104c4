"""scripts/build_tagger.py reads torchvision's .pth without torch and writes an ONNX
graph whose outputs match torchvision's own MobileNetV2."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

REFERENCE = Path(__file__).with_name("torchvision_logits.npz")


@pytest.fixture(scope="module")
def build_tagger():
    path = Path(__file__).resolve().parents[2] / "scripts" / "build_tagger.py"
    spec = importlib.util.spec_from_file_location("build_tagger", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_inputs() -> np.ndarray:
    """Three 224×224 inputs made with NumPy alone (PCG64 is stable across versions): the
    ones `torchvision_logits.npz` was computed from with torch 2.13 / torchvision 0.29."""
    rng = np.random.default_rng(2026)
    noise = rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)
    yy, xx = np.mgrid[0:224, 0:224]
    gradient = np.stack([xx, yy, (xx + yy) // 2], axis=-1).astype(np.uint8)
    blocks = np.repeat(np.repeat(rng.integers(0, 256, (7, 7, 3), dtype=np.uint8), 32, 0), 32, 1)
    return np.stack([noise, gradient, blocks])


def test_it_reads_the_pth_without_torch(build_tagger, assets_dir):
    weights = build_tagger.load_state_dict(assets_dir / build_tagger.SOURCE)
    assert weights["features.0.0.weight"].shape == (32, 3, 3, 3)
    assert weights["classifier.1.weight"].shape == (1000, 1280)
    assert all(w.dtype == np.float32 for w in weights.values() if w.ndim)


def test_it_refuses_code_in_a_weights_file(build_tagger, tmp_path):
    import pickle

    path = tmp_path / "evil.pth"
    with path.open("wb") as f:
        for header in (build_tagger.LEGACY_MAGIC, 1001, {}):
            pickle.dump(header, f)
        f.write(b"cos\nsystem\n(S'true'\ntR.")
    with pytest.raises(pickle.UnpicklingError, match="refusing os.system"):
        build_tagger.load_state_dict(path)


def test_it_matches_torchvision(classifier):
    logits, features = classifier._session.run(["logits", "features"], {"image": reference_inputs()})
    reference = np.load(REFERENCE)
    # Measured when converting: 1.7e-5 (logits up to ~20), 7e-6 on the features.
    np.testing.assert_allclose(logits, reference["logits"], atol=1e-3)
    np.testing.assert_allclose(features, reference["features"], atol=1e-3)
