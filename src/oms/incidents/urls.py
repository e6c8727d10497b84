"""Incident, discipline and emergency pages, one module of views per area."""

from oms.incidents.views import adjudications, attachments, emergencies, reports, trends

app_name = "incidents"
urlpatterns = [
    *reports.urlpatterns,
    *attachments.urlpatterns,
    *trends.urlpatterns,
    *adjudications.urlpatterns,
    *emergencies.urlpatterns,
]
