"""Sentencing: courts, charges and offences, sentences, adjustments and the release-date engine."""
