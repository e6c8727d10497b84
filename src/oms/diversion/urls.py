"""Diversion pages."""

from oms.diversion.views import participations

app_name = "diversion"
urlpatterns = [*participations.urlpatterns]
