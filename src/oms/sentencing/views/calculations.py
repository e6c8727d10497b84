"""Sentencing pages: calculations."""

urlpatterns: list = []
