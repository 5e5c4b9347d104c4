"""/v1/tag/ in every request shape the Clarifai clients use, over real HTTP."""

import base64

import numpy as np
import requests

from tests.tagging.conftest import encode_video, orange_disc


def jpeg(assets_dir, name="single_face.jpg") -> bytes:
    return (assets_dir / "fixtures" / name).read_bytes()


def test_it_tags_multipart_uploads_in_order_with_local_ids(api, auth, assets_dir):
    files = [("encoded_data", ("a.jpg", jpeg(assets_dir), "image/jpeg")),
             ("encoded_data", ("b.jpg", jpeg(assets_dir, "multi_face.jpg"), "image/jpeg"))]
    response = requests.post(api("tag"), headers=auth, files=files, data={"local_id": ["one", "two"]})
    body = response.json()
    assert response.status_code == 200 and body["status_code"] == "OK"
    assert set(body["meta"]["tag"]) == {"timestamp", "model", "config"}
    assert body["meta"]["tag"]["model"] == "general-v1.3"
    first, second = body["results"]
    assert (first["local_id"], second["local_id"]) == ("one", "two")
    assert first["status_code"] == "OK" and len(first["docid_str"]) == 32
    assert first["result"]["tag"]["classes"][:2] == ["face", "person"]
    assert "people" in second["result"]["tag"]["classes"][:3]
    assert len(first["result"]["tag"]["probs"]) == 20


def test_it_tags_base64_in_json(api, auth, assets_dir):
    body = {"encoded_data": [base64.b64encode(jpeg(assets_dir)).decode()], "select_classes": "person,tench,espresso"}
    response = requests.post(api("tag"), headers=auth, json=body)
    tag = response.json()["results"][0]["result"]["tag"]
    assert response.status_code == 200
    assert tag["classes"] == ["person", "tench", "espresso"]
    assert tag["probs"][0] > 0.7 and tag["probs"][2] < 0.01


def test_it_tags_urls_by_get_and_by_post(api, auth, media_server, settings):
    settings.TAGAPI_URL_ALLOWLIST = ["127.0.0.1"]
    url = f"{media_server}/face.jpg"
    by_get = requests.get(api("tag"), headers=auth, params={"url": url, "model": "default"}).json()
    by_post = requests.post(api("tag"), headers=auth, data={"url": [url, url]}).json()
    assert by_get["status_code"] == by_post["status_code"] == "OK"
    assert by_get["results"][0]["result"]["tag"]["classes"][0] == "face"
    assert by_get["results"][0]["docid_str"] == by_post["results"][1]["docid_str"]  # a content hash


def test_it_answers_partial_error_for_one_broken_image(api, auth, assets_dir):
    files = [("encoded_data", ("a.jpg", jpeg(assets_dir), "image/jpeg")),
             ("encoded_data", ("b.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg"))]
    response = requests.post(api("tag"), headers=auth, files=files)
    body = response.json()
    assert response.status_code == 200 and body["status_code"] == "PARTIAL_ERROR"
    good, bad = body["results"]
    assert good["status_code"] == "OK" and "tag" in good["result"]
    assert bad["status_code"] == "CLIENT_ERROR" and bad["result"]["error"] == bad["status_msg"]


def test_it_answers_all_error_when_every_input_fails(api, auth):
    response = requests.post(api("tag"), headers=auth, json={"encoded_data": ["bm90IGFuIGltYWdl", "%%%"]})
    body = response.json()
    assert response.status_code == 400 and body["status_code"] == "ALL_ERROR"
    assert [r["status_code"] for r in body["results"]] == ["CLIENT_ERROR", "CLIENT_ERROR"]
    assert "base64" in body["results"][1]["status_msg"]


def test_it_refuses_requests_it_cannot_process(api, auth, settings):
    settings.TAGAPI_MAX_BATCH_SIZE = 2
    cases = [
        ({}, "at least one input"),
        ({"url": ["http://a.example/1.jpg"] * 3}, "more than max_batch_size (2)"),
        ({"url": ["http://a.example/1.jpg"], "local_id": ["a", "b"]}, "one per input"),
        ({"url": ["http://a.example/1.jpg"], "model": "general-v9"}, "Unknown model"),
    ]
    for data, message in cases:
        response = requests.post(api("tag"), headers=auth, data=data)
        assert response.status_code == 400, data
        assert response.json()["status_code"] == "ALL_ERROR" and message in response.json()["status_msg"]
    response = requests.post(api("tag"), headers={**auth, "Content-Type": "application/json"}, data=b"{oops")
    assert response.status_code == 400 and "JSON" in response.json()["status_msg"]


def test_it_tags_a_video_once_per_second(api, auth):
    frames = [orange_disc()[64:384, 64:384]] * 25 + [np.full((320, 320, 3), 30, np.uint8)] * 10
    files = {"encoded_data": ("v.mp4", encode_video(frames, fps=10), "video/mp4")}
    response = requests.post(api("tag"), headers=auth, files=files)
    tag = response.json()["results"][0]["result"]["tag"]
    assert response.status_code == 200
    assert tag["timestamps"] == [0.0, 1.0, 2.0, 3.0]
    assert len(tag["classes"]) == len(tag["probs"]) == 4
    assert tag["classes"][0][0] == "ping-pong ball" and tag["classes"][3][0] != "ping-pong ball"


def test_it_tags_an_animated_gif_as_a_video(api, auth):
    frames = [orange_disc()[::4, ::4]] * 15
    files = {"encoded_data": ("v.gif", encode_video(frames, fps=10, fmt="gif"), "image/gif")}
    tag = requests.post(api("tag"), headers=auth, files=files).json()["results"][0]["result"]["tag"]
    assert tag["timestamps"] == [0.0, 1.0]


def test_it_limits_videos_per_request_and_their_duration(api, auth, settings, assets_dir):
    settings.TAGAPI_MAX_VIDEO_SECONDS = 1
    video = (assets_dir / "fixtures" / "single_face.mp4").read_bytes()  # 2.4 s
    response = requests.post(api("tag"), headers=auth, files={"encoded_data": ("v.mp4", video, "video/mp4")})
    assert response.status_code == 400 and "more than the limit of 1 s" in response.json()["results"][0]["status_msg"]
    settings.TAGAPI_MAX_VIDEO_SECONDS = 10
    files = [("encoded_data", ("v.mp4", video, "video/mp4"))] * 2
    body = requests.post(api("tag"), headers=auth, files=files).json()
    assert body["status_code"] == "PARTIAL_ERROR"
    assert "max_video_batch_size" in body["results"][1]["status_msg"]


def test_it_limits_bytes_per_image_and_per_request(api, auth, settings, assets_dir):
    settings.TAGAPI_MAX_IMAGE_BYTES = 20_000  # single_face.jpg has ~80 kB
    files = [("encoded_data", ("a.jpg", jpeg(assets_dir), "image/jpeg"))]
    result = requests.post(api("tag"), headers=auth, files=files).json()["results"][0]
    assert result["status_code"] == "CLIENT_ERROR" and "max_image_bytes" in result["status_msg"]
    settings.TAGAPI_MAX_VIDEO_BYTES = 20_000
    response = requests.post(api("tag"), headers=auth, files=files)
    assert response.status_code == 400 and "the file is larger than 20000 bytes" in response.text
    settings.TAGAPI_MAX_BATCH_SIZE = 1
    response = requests.post(api("tag"), headers=auth, files=files)
    assert response.status_code == 400 and "request body is larger than 40000 bytes" in response.text


def test_it_keeps_the_order_across_classifier_batches(api, auth, assets_dir):
    one, group = jpeg(assets_dir), jpeg(assets_dir, "multi_face.jpg")
    images = [one] * 16 + [b"broken", group]  # the classifier takes 16 at a time
    files = [("encoded_data", (f"{i}.jpg", data, "image/jpeg")) for i, data in enumerate(images)]
    body = requests.post(api("tag"), headers=auth, files=files, data={"local_id": [str(i) for i in range(18)]}).json()
    assert body["status_code"] == "PARTIAL_ERROR"
    assert [r["local_id"] for r in body["results"]] == [str(i) for i in range(18)]
    assert body["results"][16]["status_code"] == "CLIENT_ERROR"
    assert "people" in body["results"][17]["result"]["tag"]["classes"]
    assert "people" not in body["results"][15]["result"]["tag"]["classes"]


def test_it_answers_server_error_when_tagging_breaks(api, auth, assets_dir, monkeypatch):
    from affectweb.tagapi import service

    def broken():
        raise RuntimeError("model file went missing")

    monkeypatch.setattr(service, "tagger", broken)
    files = {"encoded_data": ("a.jpg", jpeg(assets_dir), "image/jpeg")}
    response = requests.post(api("tag"), headers=auth, files=files)
    assert response.status_code == 500
    assert response.json() == {"status_code": "SERVER_ERROR", "results": [],
                               "status_msg": "The request could not be processed; the error was logged."}


def test_it_refuses_base64_bodies_past_the_memory_limit(api, auth, settings, assets_dir):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {"encoded_data": [base64.b64encode(jpeg(assets_dir)).decode()]}
    response = requests.post(api("tag"), headers=auth, json=body)
    assert response.status_code == 400 and "send images as multipart files" in response.json()["status_msg"]
