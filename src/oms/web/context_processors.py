from django.conf import settings


def oms(request):
    actor = getattr(request, "actor", None)
    return {
        "oms_actor": actor,
        "oms_demo_mode": settings.DEMO_MODE,
        "oms_login_banner": settings.LOGIN_BANNER,
        "oms_request_id": getattr(request, "request_id", ""),
    }
