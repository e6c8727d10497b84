"""Auditing API denials (AUD-1).

``oms.api`` answers a domain error inside the view and rolls the request transaction back, marking
the request with ``oms_denial``. This middleware sits outside that transaction (right after the
request id middleware), so it can record the denial once the response is built.
"""

from __future__ import annotations

from oms.audit.denials import DENIED_STATUSES, record_denial

API_PREFIX = "/api/"


class ApiDenialAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code not in DENIED_STATUSES:
            return response
        denial = getattr(request, "oms_denial", None)
        if denial is not None:
            record_denial(request, status=response.status_code, code=denial.code, channel="api")
        elif request.path.startswith(API_PREFIX):
            # Failed authentication (no or a bad token) is answered by ninja without a domain error.
            record_denial(request, status=response.status_code, code=f"http.{response.status_code}", channel="api")
        return response
