PERMISSIONS = {
    "supervision.view": "See community supervision cases, requirements, appointments and caseloads",
    "supervision.manage_cases": "Open and close supervision cases, allocate officer and office, manage requirements",
    "supervision.record_contacts": "Book appointments and record their outcomes",
    "supervision.override_level": "Override the supervision level a case takes from the person's assessment",
    "supervision.manage_breach": "Issue warnings for failures to comply, start and advance breach proceedings",
    "supervision.manage_sanctions": "Change the graduated sanctions matrix (responses allowed by severity and level)",
    "supervision.manage_testing": "Run the random drug test selection, order tests and record their results",
    "supervision.use_portal": "Participant portal: see own appointments and complete own remote check-ins",
}
