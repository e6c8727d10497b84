PERMISSIONS = {
    "assessment.view": "See a person's assessments (risk, needs, OGRS3, tiering) and the reassessment due list",
    "assessment.assess": "Start, answer and complete assessments, and mark a reassessment due",
    "assessment.countersign": "Countersign another assessor's completed assessment",
    "assessment.approve_override": "Override a computed band or tier, with a reason (the approver)",
    "assessment.view_reports": "See an instrument's fairness report (counts and rates only, small groups suppressed)",
}
