"""Sentencing pages: records."""

urlpatterns: list = []
