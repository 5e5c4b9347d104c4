from affectweb.engine.models import Account


def test_it_creates_an_account_with_a_hashed_password(admin_client):
    response = admin_client.post(
        "/admin/engine/account/add/", {"username": "lab@example.com", "new_password": "a:b c"}
    )
    assert response.status_code == 302, response.content
    account = Account.objects.get()
    assert account.password != "a:b c" and account.check_password("a:b c")


def test_it_keeps_the_password_when_none_is_given(admin_client):
    account = Account(username="lab@example.com")
    account.set_password("old")
    account.save()
    response = admin_client.post(
        f"/admin/engine/account/{account.pk}/change/", {"username": "lab2@example.com", "new_password": ""}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.username == "lab2@example.com" and account.check_password("old")


def test_it_needs_a_password_for_a_new_account(admin_client):
    response = admin_client.post("/admin/engine/account/add/", {"username": "lab@example.com"})
    assert response.status_code == 200
    assert "A new account needs a password." in response.content.decode()
    assert not Account.objects.exists()


def test_it_lists_jobs_read_only(admin_client):
    assert admin_client.get("/admin/engine/job/").status_code == 200
    assert admin_client.get("/admin/engine/job/add/").status_code == 403
