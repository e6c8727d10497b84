from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from oms.core.middleware import current_request_id
from oms.web.access import AUTHENTICATED, PUBLIC, page
from oms.web.middleware import show_in_main_content
from oms.web.navigation import dashboard_for


@page(AUTHENTICATED)
def home(request):
    """The dashboard: a card for each section the signed-in user's permissions open."""
    return render(request, "web/home.html", {"dashboard": dashboard_for(request.actor)})


@page(PUBLIC)
def health(request):
    """Liveness and database reachability for load balancers; no details beyond ok/unavailable."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)


# Django's own error handlers: the same plain pages, with the request id and no details (ERR-1).
def error_403(request, exception=None):
    return show_in_main_content(request, render(request, "web/errors/403.html", status=403))


def error_404(request, exception=None):
    return show_in_main_content(request, render(request, "web/errors/404.html", status=404))


def error_500(request):
    # Rendered without the request's context processors: the failure may be the database, and the
    # page must not need it (no user lookup, no navigation, no messages).
    body = render_to_string("web/errors/500.html", {"oms_request_id": current_request_id()})
    return show_in_main_content(request, HttpResponseServerError(body))


def csrf_failure(request, reason=""):
    """A form posted without a valid CSRF token, most often because the session ended in another tab:
    say so in plain words and offer sign-in, instead of Django's bare 403 page."""
    return render(request, "web/errors/csrf.html", status=403)
