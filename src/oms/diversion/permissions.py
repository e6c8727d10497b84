PERMISSIONS = {
    "diversion.view": "See diversion programmes, referrals, participants, their progress and compliance reports",
    "diversion.refer": "Record a referral to a diversion programme from the police or a prosecutor",
    "diversion.manage": "Assess eligibility, sign agreements, start, complete and terminate participations",
    "diversion.record_progress": "Log community service hours, class attendance and payments, charges and waivers",
    "diversion.verify_hours": "Verify community service hours logged by someone else",
    "diversion.manage_programmes": "Set up diversion programmes, their eligibility criteria and full fee",
}
