"""A tests-only URLconf: every real route plus a few views that fail or write on purpose, used with
``@pytest.mark.urls("tests.web.urls")``. Never mounted by the application."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from oms.urls import urlpatterns as oms_urlpatterns
from oms.web.access import AUTHENTICATED, PUBLIC, page

CANARY = "canary-internal-detail-7f3a"


@page(PUBLIC)
def explode(request):
    raise RuntimeError(f"{CANARY} SELECT secret FROM table")


@page(AUTHENTICATED)
@require_POST
def record_something(request):
    return HttpResponse("written")


@page("tests.permission_nobody_holds")
def guarded(request):
    return HttpResponse("should never be seen")


urlpatterns = [
    path("__tests__/explode", explode),
    path("__tests__/write", record_something),
    path("__tests__/guarded", guarded),
    *oms_urlpatterns,
]

handler403 = "oms.web.views.error_403"
handler404 = "oms.web.views.error_404"
handler500 = "oms.web.views.error_500"
