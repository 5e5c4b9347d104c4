import math

import requests


def upload(assets_dir):
    return {"encoded_data": ("a.jpg", (assets_dir / "fixtures" / "single_face.jpg").read_bytes(), "image/jpeg")}


def test_it_embeds_as_a_unit_vector(api, auth, assets_dir):
    body = requests.post(api("embed"), headers=auth, files=upload(assets_dir)).json()
    embedding = body["results"][0]["result"]["embed"]
    assert body["status_code"] == "OK" and set(body["meta"]) == {"embed"}
    assert len(embedding) == 1280
    assert math.isclose(math.fsum(v * v for v in embedding), 1.0, rel_tol=1e-4)


def test_it_runs_several_operations_at_once(api, auth, assets_dir):
    body = requests.post(api("multiop"), headers=auth, files=upload(assets_dir), data={"op": "tag,embed"}).json()
    result = body["results"][0]["result"]
    assert body["status_code"] == "OK" and set(body["meta"]) == {"tag", "embed"}
    assert result["tag"]["classes"][0] == "face" and len(result["embed"]) == 1280


def test_it_needs_known_operations(api, auth, assets_dir):
    for op in ["", "tag,colour"]:
        response = requests.post(api("multiop"), headers=auth, files=upload(assets_dir), data={"op": op})
        assert response.status_code == 400 and "op must be" in response.json()["status_msg"]


def test_it_embeds_a_video_per_second(api, auth):
    import numpy as np

    from tests.tagging.conftest import encode_video

    frames = [np.full((64, 64, 3), i * 12, np.uint8) for i in range(20)]
    files = {"encoded_data": ("v.mp4", encode_video(frames, fps=10), "video/mp4")}
    result = requests.post(api("multiop"), headers=auth, files=files, data={"op": "tag,embed"}).json()["results"][0]
    assert result["result"]["tag"]["timestamps"] == result["result"]["embed"]["timestamps"] == [0.0, 1.0]
    assert [len(e) for e in result["result"]["embed"]["embed"]] == [1280, 1280]
