import json
from urllib.parse import urlencode

import pytest

from tests.engine.conftest import basic, make_account, post_job


@pytest.fixture
def entry(api, media, redis_db):
    return post_job(api, media("single_face.jpg"), "no-op").json()["input"]


def test_it_adds_an_annotation_from_json(api, entry):
    response = api.post(
        entry["annotations"],
        {"annotation": {"key": "age", "value": "34", "source": "Acme Research"}},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == body["self"]
    assert body["author"] == "user@example.com"
    assert body["entry"] == entry["self"]
    assert (body["key"], body["value"], body["source"]) == ("age", "34", "Acme Research")
    assert api.get(body["self"]).json() == body
    assert api.get(entry["annotations"]).json() == [body]


def test_it_adds_an_annotation_from_form_fields(api, entry):
    response = api.post(entry["annotations"], {"annotation[key]": "gender", "annotation[value]": "female"})
    assert response.status_code == 201
    assert response.json()["source"] == ""


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_form_fields_make_the_same_annotation_as_json(api, entry, encoding):
    fields = {"annotation[source]": "Acme Research", "annotation[key]": "age", "annotation[value]": "34"}
    if encoding == "multipart":
        response = api.post(entry["annotations"], fields)
    else:
        response = api.post(entry["annotations"], urlencode(fields), content_type="application/x-www-form-urlencoded")
    as_json = api.post(entry["annotations"], {"annotation": {"source": "Acme Research", "key": "age", "value": "34"}},
                       content_type="application/json")
    assert response.status_code == as_json.status_code == 201
    assert {k: v for k, v in response.json().items() if k != "self"} == \
        {k: v for k, v in as_json.json().items() if k != "self"}


def test_it_reads_json_sent_without_a_content_type(api, entry):
    # The vendor's client posted json.dumps(payload) as the body, with no Content-Type.
    body = json.dumps({"annotation": {"key": "context", "value": "lab"}})
    response = api.generic("POST", entry["annotations"], body, content_type="")
    assert response.status_code == 201, response.content
    assert (response.json()["key"], response.json()["value"]) == ("context", "lab")


def test_it_deletes_an_annotation(api, entry):
    kept = api.post(entry["annotations"], {"annotation[key]": "a", "annotation[value]": "1"}).json()
    gone = api.post(entry["annotations"], {"annotation[key]": "b", "annotation[value]": "2"}).json()
    response = api.delete(gone["self"])
    assert response.status_code == 204 and response.content == b""
    assert api.get(gone["self"]).status_code == 404
    assert api.delete(gone["self"]).status_code == 404
    assert api.get(entry["annotations"]).json() == [kept]


def test_it_lets_no_other_account_delete_an_annotation(api, client, entry):
    annotation = api.post(entry["annotations"], {"annotation[key]": "a", "annotation[value]": "1"}).json()
    make_account("other@example.com", "pw")
    assert client.delete(annotation["self"], HTTP_AUTHORIZATION=basic("other@example.com", "pw")).status_code == 404
    assert client.delete(annotation["self"]).status_code == 401
    assert api.get(annotation["self"]).json() == annotation


def test_an_annotation_allows_get_and_delete_only(api, entry):
    annotation = api.post(entry["annotations"], {"annotation[key]": "a", "annotation[value]": "1"}).json()
    response = api.put(annotation["self"])
    assert response.status_code == 405 and response["Allow"] == "GET, DELETE"


@pytest.mark.parametrize("field", ["key", "value", "source"])
def test_it_limits_fields_to_255_characters(api, entry, field):
    data = {"key": "k", "value": "v", field: "x" * 256}
    response = api.post(entry["annotations"], {"annotation": data}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == f"annotation {field} is 256 characters long; the limit is 255."
    ok = {"key": "k", "value": "v", field: "x" * 255}
    assert api.post(entry["annotations"], {"annotation": ok}, content_type="application/json").status_code == 201


@pytest.mark.parametrize("body, message", [
    ("not json", "The body is not valid JSON."),
    ('{"key": "a"}', 'Send {"annotation": {"key": ..., "value": ..., "source": ...}}.'),
    ('{"annotation": {"value": "v"}}', "annotation key is required."),
    ('{"annotation": {"key": "k", "value": ["v"]}}', "annotation value must be a string."),
])
def test_it_explains_bad_bodies(api, entry, body, message):
    response = api.post(entry["annotations"], body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_it_hides_other_accounts_annotations(api, client, entry):
    annotation = api.post(
        entry["annotations"], {"annotation": {"key": "k", "value": "v"}}, content_type="application/json"
    ).json()
    make_account("other@example.com", "pw")
    other = basic("other@example.com", "pw")
    assert client.get(annotation["self"], HTTP_AUTHORIZATION=other).status_code == 404
    response = client.post(entry["annotations"], {"annotation[key]": "k", "annotation[value]": "v"},
                           HTTP_AUTHORIZATION=other)
    assert response.status_code == 404
