PERMISSIONS = {
    "incidents.view": "See incident reports, adjudications and emergencies at your sites",
    "incidents.report": "Write and submit incident reports, answer correction requests with addenda",
    "incidents.review": "Review submitted incidents, request corrections, start investigations and close incidents",
    "incidents.investigate": "Investigate an incident: record findings",
    "incidents.view_trends": "See incident and use-of-force trends",
    "incidents.manage_types": "Add new versions of incident types and their questions",
    "incidents.charge": "Lay a disciplinary charge",
    "incidents.adjudicate": "Schedule and hold adjudication hearings, record pleas, findings and punishments",
    "incidents.manage_paragraphs": "Add new versions of the disciplinary offence paragraphs",
    "incidents.decide_appeals": "Decide appeals against adjudication findings and punishments, quash them",
    "incidents.declare_emergency": "Declare an emergency, authorise movement exceptions and stand it down",
    "incidents.emergency_roll": "Take part in an emergency roll: mark people accounted for or missing",
}
