PERMISSIONS = {
    "diversion.view": "See diversion programmes, referrals, participants, their progress and compliance reports",
    "diversion.refer": "Record a referral to a diversion programme from the police or a prosecutor",
    "diversion.manage": "Assess eligibility, sign agreements, start, complete and terminate participations",
    "diversion.record_progress": "Log community service hours, class attendance and payments, charges and waivers",
    "diversion.verify_hours": "Verify community service hours logged by someone else",
    "diversion.manage_programmes": "Set up diversion programmes, their eligibility criteria and full fee",
    "diversion.use_portal": "Participant portal: see own requirements, log own hours, check in, read messages",
    "diversion.partner_view": "Partner agency: see referrals to your organisation, only as far as the consent covers",
    "diversion.partner_respond": "Partner agency: accept or decline referrals to your organisation, record outcomes",
}
