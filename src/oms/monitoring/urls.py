"""Monitoring pages."""

from django.urls import path

from oms.monitoring import views
from oms.monitoring.views import manage_orders as order_views

app_name = "monitoring"
urlpatterns = [
    *views.urlpatterns,
    *(path(route, view, name=name) for route, view, name in order_views.urlpatterns_orders),
]
