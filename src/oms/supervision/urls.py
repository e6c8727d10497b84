"""Supervision pages."""

from oms.supervision.views import breach, cases

app_name = "supervision"
urlpatterns = [*cases.urlpatterns, *breach.urlpatterns]
