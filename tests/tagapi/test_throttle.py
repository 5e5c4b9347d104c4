import requests


def test_it_answers_429_with_the_wait_over_the_limit(api, auth, settings):
    # A window of ~30 years: no window boundary can fall between the requests.
    settings.TAGAPI_RATE_LIMIT, settings.TAGAPI_RATE_WINDOW = 2, 10**9
    assert [requests.get(api("info"), headers=auth).status_code for _ in range(2)] == [200, 200]
    response = requests.get(api("info"), headers=auth)
    assert response.status_code == 429
    wait = int(response.headers["X-Throttle-Wait-Seconds"])
    assert 1 <= wait <= 10**9 and response.headers["Retry-After"] == str(wait)
    assert response.json()["status_code"] == "ALL_ERROR"


def test_it_counts_per_application(api, auth, settings, redis_db):
    settings.TAGAPI_RATE_LIMIT, settings.TAGAPI_RATE_WINDOW = 1, 10**9
    assert requests.get(api("info"), headers=auth).status_code == 200
    redis_db.flushall()  # as if another application had made the first request
    assert requests.get(api("info"), headers=auth).status_code == 200
    assert requests.get(api("info"), headers=auth).status_code == 429


def test_it_slows_down_guessing_a_client_secret(api, application, settings, redis_db):
    settings.TAGAPI_RATE_LIMIT, settings.TAGAPI_RATE_WINDOW = 3, 10**9
    guesses = [requests.post(api("token"), data={"grant_type": "client_credentials", "client_id": application.client_id,
                                                 "client_secret": f"guess {i}"}) for i in range(4)]
    assert [r.status_code for r in guesses] == [401, 401, 401, 429]
    assert int(guesses[-1].headers["X-Throttle-Wait-Seconds"]) >= 1
