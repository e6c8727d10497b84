from oms.rehabilitation.models.incentives import IncentiveLevel, IncentiveReview
from oms.rehabilitation.models.plans import CasePlan, CasePlanVersion, PlanAction, PlanGoal, PlanReview
from oms.rehabilitation.models.programmes import (
    Allocation,
    Attendance,
    Programme,
    ProgrammeSession,
    ProgressNote,
    Qualification,
    Referral,
)

__all__ = [
    "Allocation",
    "Attendance",
    "CasePlan",
    "CasePlanVersion",
    "IncentiveLevel",
    "IncentiveReview",
    "PlanAction",
    "PlanGoal",
    "PlanReview",
    "Programme",
    "ProgrammeSession",
    "ProgressNote",
    "Qualification",
    "Referral",
]
