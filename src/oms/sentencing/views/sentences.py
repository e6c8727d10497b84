"""Sentencing pages: sentences."""

urlpatterns: list = []
