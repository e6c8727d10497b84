"""Incidents, discipline and emergency response.

- Incident reports (``models.incidents``): incident types as versioned configuration with their own
  questions; a report with who was involved and how, use-of-force details and evidence attachments; a
  workflow draft -> submitted -> under review -> (investigation) -> closed where a submitted report is
  never edited: corrections are requested and answered with addenda.
- Discipline (``models.adjudications``): charges against versioned offence paragraphs, the first-hearing
  deadline, hearings with pleas, adjournments and findings, punishments with schedules, suspension and
  activation, appeals and quashing; additional days flow into sentencing as adjustments.
- Emergency response (``models.emergencies``): a declared emergency with its scope, the movements it
  blocks and the exceptions authorised, a timeline of actions, the emergency roll marked by several
  staff at once, stand-down and the after-action review linked to incidents.

May import: custody, sentencing, assessment, people, facilities, accounts, audit, web, core (it sits
above custody, beside rehabilitation, which it does not import). Custody learns of a lockdown through
its movement-guard hook; people's timeline shows incidents through audit events about each person.
"""
