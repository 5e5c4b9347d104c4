import requests

from affectweb.tagapi.models import Feedback


def test_it_stores_feedback_for_the_admin_to_read(api, auth, application, admin_client):
    response = requests.post(api("feedback"), headers=auth, data={
        "docids": "abc,def", "add_tags": "cat,kitten", "remove_tags": "dog"})
    assert response.status_code == 201 and response.json()["status_code"] == "OK"
    feedback = Feedback.objects.get()
    assert (feedback.application, feedback.docids, feedback.add_tags) == (application, "abc,def", "cat,kitten")
    page = admin_client.get("/admin/tagapi/feedback/")
    assert page.status_code == 200 and b"abc,def" in page.content


def test_it_takes_a_url_by_get(api, auth):
    response = requests.get(api("feedback"), headers=auth, params={"url": "http://example.com/a.jpg",
                                                                  "search_click": "1"})
    assert response.status_code == 201 and Feedback.objects.get().urls == "http://example.com/a.jpg"


def test_it_needs_exactly_one_of_docids_and_url(api, auth):
    for data in [{}, {"docids": "a", "url": "http://example.com/a.jpg"}, {"add_tags": "cat"}]:
        response = requests.post(api("feedback"), headers=auth, data=data)
        assert response.status_code == 400 and response.json()["status_code"] == "ALL_ERROR"
    assert not Feedback.objects.exists()
