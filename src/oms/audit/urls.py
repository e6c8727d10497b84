from django.urls import path

from oms.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.search, name="search"),
    path("reports/<slug:name>", views.report, name="report"),
]
