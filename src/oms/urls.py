from django.urls import include, path

from oms.api import api

urlpatterns = [
    path("", include("oms.web.urls")),
    path("accounts/", include("oms.accounts.urls")),
    path("audit/", include("oms.audit.urls")),
    path("facilities/", include("oms.facilities.urls")),
    path("people/", include("oms.people.urls")),
    path("sentencing/", include("oms.sentencing.urls")),
    path("assessment/", include("oms.assessment.urls")),
    path("custody/", include("oms.custody.urls")),
    path("rehabilitation/", include("oms.rehabilitation.urls")),
    path("incidents/", include("oms.incidents.urls")),
    path("supervision/", include("oms.supervision.urls")),
    path("monitoring/", include("oms.monitoring.urls")),
    path("diversion/", include("oms.diversion.urls")),
    path("api/v1/", api.urls),
]

handler403 = "oms.web.views.error_403"
handler404 = "oms.web.views.error_404"
handler500 = "oms.web.views.error_500"
