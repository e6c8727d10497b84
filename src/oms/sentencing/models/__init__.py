"""Sentencing records: the legal record (offences, court cases, hearings, charges, warrants), sentences
and adjustments, and the stored release-date calculations with their overrides."""

from oms.sentencing.models.calculations import Calculation, DateOverride, SiteProfile
from oms.sentencing.models.legal import Charge, CourtCase, Hearing, Offence, Warrant
from oms.sentencing.models.sentences import Adjustment, Sentence

__all__ = [
    "Adjustment",
    "Calculation",
    "Charge",
    "CourtCase",
    "DateOverride",
    "Hearing",
    "Offence",
    "Sentence",
    "SiteProfile",
    "Warrant",
]
