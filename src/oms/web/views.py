from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from oms.web.access import AUTHENTICATED, PUBLIC, page


@page(AUTHENTICATED)
def home(request):
    return render(request, "web/home.html")


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
    return render(request, "web/errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "web/errors/404.html", status=404)


def error_500(request):
    return render(request, "web/errors/500.html", status=500)
