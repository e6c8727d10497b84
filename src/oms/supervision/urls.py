"""Supervision pages."""

from oms.supervision.views import cases

app_name = "supervision"
urlpatterns = [*cases.urlpatterns]
