PERMISSIONS = {
    "sentencing.view": "See court cases, charges, sentences, adjustments, warrants and release dates",
    "sentencing.manage_records": "Record and change court cases, hearings, charges, warrants and sentences",
    "sentencing.manage_adjustments": "Record and withdraw adjustments (remand, tagged bail, UAL, added days)",
    "sentencing.calculate": "Ask for a release-date calculation",
    "sentencing.override_dates": "Override a calculated release date, with a reason (the authoriser)",
    "sentencing.manage_offences": "Maintain the offence catalogue (CSV import)",
    "sentencing.manage_profiles": "Choose the release-date profile of a facility",
}
