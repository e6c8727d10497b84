"""Sentencing services: every change to the legal record, sentences, adjustments and calculations."""
