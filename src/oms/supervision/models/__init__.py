from oms.supervision.models.cases import Appointment, CaseEntry, Level, Requirement, SupervisionCase

__all__ = ["Appointment", "CaseEntry", "Level", "Requirement", "SupervisionCase"]
