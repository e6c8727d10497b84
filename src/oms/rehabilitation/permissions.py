PERMISSIONS = {
    "rehabilitation.view": "See case plans, programme referrals, allocations, attendance and incentive levels",
    "rehabilitation.manage_plans": "Write and review a person's case plan: goals, actions, reviews",
    "rehabilitation.refer": "Refer a person to a programme, course or work assignment, or withdraw a referral",
    "rehabilitation.allocate": "Approve or decline referrals, allocate people to programmes and end allocations",
    "rehabilitation.record_attendance": "Record attendance, progress notes, completion and qualifications",
    "rehabilitation.manage_catalogue": "Add and change programmes, courses and work assignments, and their sessions",
    "rehabilitation.review_incentives": "Review a person's incentive level",
    "rehabilitation.manage_incentive_levels": "Configure the incentive levels of a facility and what each allows",
}
