"""Diversion pages."""

app_name = "diversion"
urlpatterns: list = []
