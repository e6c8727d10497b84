"""Custody pages, one module of views per area."""

from oms.custody.views import counts, housing, movements, reception

app_name = "custody"
urlpatterns = [*reception.urlpatterns, *housing.urlpatterns, *movements.urlpatterns, *counts.urlpatterns]
