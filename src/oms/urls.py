from django.urls import include, path

from oms.api import api

urlpatterns = [
    path("", include("oms.web.urls")),
    path("accounts/", include("oms.accounts.urls")),
    path("audit/", include("oms.audit.urls")),
    path("facilities/", include("oms.facilities.urls")),
    path("people/", include("oms.people.urls")),
    path("sentencing/", include("oms.sentencing.urls")),
    path("custody/", include("oms.custody.urls")),
    path("api/v1/", api.urls),
]

handler403 = "oms.web.views.error_403"
handler404 = "oms.web.views.error_404"
handler500 = "oms.web.views.error_500"
