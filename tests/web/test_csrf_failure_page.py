from django.test import Client


def test_a_post_without_a_csrf_token_explains_itself_and_offers_sign_in(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your form could not be sent" in body and 'href="/accounts/login"' in body
    assert "default-src 'self'" in response["Content-Security-Policy"]
