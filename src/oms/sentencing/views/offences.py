"""Sentencing pages: offences."""

urlpatterns: list = []
