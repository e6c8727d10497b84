"""Rehabilitation pages, one module of views per area."""

from oms.rehabilitation.views import attendance, incentives, plans, programmes

app_name = "rehabilitation"
urlpatterns = [*plans.urlpatterns, *programmes.urlpatterns, *attendance.urlpatterns, *incentives.urlpatterns]
