"""ERR-1: a failure answers with a generic body and a request id: no stack trace, SQL, exception
text or versions, on pages and on the API."""

import json
import logging

import pytest
from django.test import Client, RequestFactory

from tests.web.urls import CANARY

LEAKS = (CANARY, "Traceback", "RuntimeError", "SELECT", 'File "', "Django", "Python", "django/")


@pytest.mark.urls("tests.web.urls")
def test_a_page_that_fails_answers_a_generic_500_with_the_request_id(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/__tests__/explode", HTTP_X_REQUEST_ID="req-err1-page-0001")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "req-err1-page-0001" in body
    for leak in LEAKS:
        assert leak not in body, f"500 page leaks {leak!r}"
    # The details go to the log, where the request id ties them to the page the user saw.
    assert any(CANARY in (r.exc_text or "") or CANARY in str(r.exc_info) for r in caplog.records)


def test_an_api_operation_that_fails_answers_a_generic_error_body():
    from oms.api import unexpected_error

    request = RequestFactory().get("/api/v1/anything")
    response = unexpected_error(request, RuntimeError(f"{CANARY} SELECT secret"))
    assert response.status_code == 500
    body = json.loads(response.content)
    assert body["code"] == "server_error"
    assert set(body) == {"code", "detail", "field"}
    assert "Reference:" in body["detail"]
    for leak in LEAKS:
        assert leak not in response.content.decode()


@pytest.mark.urls("tests.web.urls")
def test_a_denied_page_explains_without_detail_of_the_record(client, alice):
    from tests.factories import login_verified

    login_verified(client, alice)
    response = client.get("/__tests__/guarded")
    assert response.status_code == 403
    assert "govuk-heading-l" in response.content.decode()
