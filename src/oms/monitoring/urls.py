"""Monitoring pages."""

from oms.monitoring import views

app_name = "monitoring"
urlpatterns = [*views.urlpatterns]
