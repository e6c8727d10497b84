from oms.supervision.models.breach import Breach, BreachStep, ComplianceWarning
from oms.supervision.models.cases import Appointment, CaseEntry, Level, Requirement, SupervisionCase
from oms.supervision.models.checkins import CheckIn, CheckInSchedule
from oms.supervision.models.sanctions import SanctionBand, Severity, Violation
from oms.supervision.models.testing import DrugTest, TestSelection

__all__ = [
    "Appointment",
    "Breach",
    "BreachStep",
    "CaseEntry",
    "CheckIn",
    "CheckInSchedule",
    "ComplianceWarning",
    "DrugTest",
    "Level",
    "Requirement",
    "SanctionBand",
    "Severity",
    "SupervisionCase",
    "TestSelection",
    "Violation",
]
