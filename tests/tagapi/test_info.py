import requests


def test_it_reports_the_limits_clients_size_batches_by(api, auth, settings):
    settings.TAGAPI_MAX_VIDEO_SECONDS = 120
    response = requests.get(api("info"), headers=auth)
    body = response.json()
    assert response.status_code == 200 and body["status_code"] == "OK"
    results = body["results"]
    assert results["max_batch_size"] == 128 and results["max_video_duration"] == 120
    assert results["default_model"] == "general-v1.3" and results["embed_allowed"] is True
    assert {"max_image_size", "min_image_size", "max_image_bytes", "max_video_size", "min_video_size",
            "max_video_bytes", "max_video_batch_size", "api_version", "default_language"} <= set(results)


def test_it_allows_only_get(api, auth):
    response = requests.post(api("info"), headers=auth)
    assert response.status_code == 405 and response.json()["status_code"] == "ALL_ERROR"
