import io
import json

import pytest

from affectweb.clients.mediaapi import (
    SESSION_V0, AuthError, MediaApiClient, NotFoundError, ProviderError, ThrottledError, TransientError,
    _parse_job, backoff,
)
from tests.clients.fake_provider import session_json


def _finished(client, job):
    while job.status not in ("done", "error"):
        job = client.job(job.url)
    return job


def _run_job(client, video):
    return _finished(client, client.submit(video))


def test_it_discovers_submits_polls_and_downloads(client, provider, video):
    job = client.submit(video, name="multiface")
    assert job.status == "queued" and job.url.endswith("/jobs/1")
    assert client.jobs_url == provider.index_url + "jobs"
    fake = provider.state.jobs[1]
    assert (fake.name, fake.filename, fake.size) == ("multiface", "single_face.mp4", video.stat().st_size)

    working = client.job(job.url)
    assert working.status == "working" and working.progress == 0.5
    done = client.job(job.url)
    assert done.status == "done"
    rep = done.best_result()
    assert rep.content_type == SESSION_V0
    out = io.BytesIO()
    assert client.download(rep.media_url, out) == len(session_json())
    assert json.loads(out.getvalue())["content_type"] == SESSION_V0


def test_it_never_sends_credentials_to_another_host(client, provider, video):
    rep = _run_job(client, video).best_result()
    client.download(rep.media_url, io.BytesIO())
    assert provider.state.storage_auth == [None]  # followed the 302, without Authorization


def test_it_prefers_session_json_then_legacy_then_csv(client, provider, video):
    provider.state.results = {"csv": ("application/csv", b"a\n"),
                              "legacy": ("application/vnd.affectiva.metrics.v0+json", b"{}")}
    assert _run_job(client, video).best_result().content_type == "application/vnd.affectiva.metrics.v0+json"


def test_it_reports_a_job_that_ends_in_error(client, provider, video):
    provider.state.outcome = "error"
    job = _run_job(client, video)
    assert job.status == "error" and job.error == "No decodable video stream."
    assert job.best_result() is None


@pytest.mark.parametrize("kind", ["500", "timeout", "drop", "malformed"])
def test_it_raises_retryable_errors_for_transient_faults(client, provider, video, kind):
    job = client.submit(video)
    provider.fault("/jobs/", kind, wait=1.0)
    with pytest.raises(TransientError) as err:
        client.job(job.url)
    assert err.value.retryable
    assert client.job(job.url).status == "working"  # the next attempt goes through


def test_it_passes_on_throttle_wait_seconds(client, provider, video):
    job = client.submit(video)
    provider.fault("/jobs/", "429", wait=7)
    with pytest.raises(ThrottledError) as err:
        client.job(job.url)
    assert err.value.retryable and err.value.retry_after == 7.0


def test_it_passes_on_retry_after(client, provider, video):
    provider.fault("/jobs", "503", wait=12)
    with pytest.raises(TransientError) as err:
        client.submit(video)
    assert err.value.retry_after == 12.0


def test_it_fails_for_good_on_wrong_credentials(provider, video):
    client = MediaApiClient(provider.index_url, provider.state.username, "wrong")
    with pytest.raises(AuthError) as err:
        client.submit(video)
    assert not err.value.retryable
    assert "credentials" in str(err.value)


def test_it_rediscovers_the_jobs_url_when_the_cached_one_fails(provider, video):
    provider.state.jobs_path = "/v2/jobs"  # the service moved since we cached its URL
    client = MediaApiClient(provider.index_url, provider.state.username, provider.state.password,
                            jobs_url=provider.index_url + "jobs")
    job = client.submit(video)
    assert job.url.endswith("/v2/jobs/1")
    assert client.jobs_url.endswith("/v2/jobs")


def test_it_does_not_rediscover_a_freshly_discovered_url(client, provider, video):
    provider.fault("/jobs", "500")
    with pytest.raises(TransientError):
        client.submit(video)
    assert [r for r in provider.state.requests if r[1] == "/"] == [("GET", "/")]


def test_it_reports_a_missing_job_as_not_found(client, provider):
    with pytest.raises(NotFoundError):
        client.job(provider.index_url + "jobs/99")


def test_it_explains_an_index_without_jobs(provider):
    client = MediaApiClient(provider.index_url + "nothing", provider.state.username, provider.state.password)
    with pytest.raises(ProviderError):
        client.check()


@pytest.mark.parametrize("reported,fraction", [(50, 0.5), (1, 0.01), (0.25, 0.25), (1.0, 1.0), (37.5, 0.375),
                                               (None, None), ("half", None), (250, 1.0)])
def test_it_reads_progress_as_percent_or_fraction(reported, fraction):
    assert _parse_job({"status": "working", "progress": reported}, "u").progress == fraction


def test_it_backs_off_exponentially_with_a_cap():
    assert [backoff(i) for i in range(7)] == [2, 4, 8, 16, 32, 60, 60]


def test_it_requeues_a_job_where_it_is(client, provider, video):
    job = _run_job(client, video)
    requeued = client.requeue(job.url + "/")  # a URL stored with a slash still joins cleanly
    assert requeued.status == "queued" and requeued.url == job.url
    assert ("POST", "/jobs/1/requeue") in provider.state.requests
    assert provider.state.jobs[1].requeued == 1 and len(provider.state.jobs) == 1  # nothing uploaded again
    assert _finished(client, requeued).status == "done"


@pytest.mark.parametrize("kind, error", [("409", "ConflictError"), ("405", "UnsupportedError"),
                                         ("404", "NotFoundError"), ("500", "TransientError")])
def test_it_tells_why_a_requeue_failed(client, provider, video, kind, error):
    job = _run_job(client, video)
    provider.fault("/jobs/1/requeue", kind)
    with pytest.raises(ProviderError) as err:
        client.requeue(job.url)
    assert type(err.value).__name__ == error


def test_a_provider_without_requeue_answers_not_found(client, provider, video):
    provider.state.requeue_supported = False
    with pytest.raises(NotFoundError):
        client.requeue(_run_job(client, video).url)


def test_it_lists_adds_and_deletes_annotations(client, provider, video):
    job = client.submit(video)
    url = client.input_annotations_url(job.url)
    assert url == provider.index_url + "entries/in1/annotations"  # the relative URL, resolved
    assert client.annotations(url) == []
    added = client.annotate(url, "age", "30-49", "affectweb")
    assert added.url.startswith("http://") and (added.key, added.value, added.source) == ("age", "30-49", "affectweb")
    assert client.annotations(url) == [added]
    client.delete_annotation(added.url)
    assert client.annotations(url) == []
    with pytest.raises(NotFoundError):
        client.delete_annotation(added.url)


def test_it_reads_a_garbled_annotation_list_as_transient(client, provider, video):
    job = client.submit(video)
    url = client.input_annotations_url(job.url)
    provider.fault("/entries/", "malformed")
    with pytest.raises(TransientError):
        client.annotations(url)
