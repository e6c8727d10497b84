"""Supervision: people under justice supervision in the community.

- Cases (``models.cases``): a probation order, a licence after release or pretrial supervision for one
  person, with its reference, start and end dates, supervising office and officer, status, and the
  supervision level (from the latest tier or risk assessment, or an override with its reason).
- Requirements: what the order or licence asks of the person (unpaid work hours, rehabilitation
  activity days, curfew, exclusion, residence, treatment, programme, free-text licence conditions).
- Appointments: office, phone, video and home-visit contacts with their outcome; national-standard
  types count toward compliance.
- Case entries: the hand-over on release and other dated notes on the case.

Invariants: one open case of each kind per person (a partial unique index); a case's version rises
on every change to the case itself (optimistic locking); an appointment's outcome history lives in
the audit trail.

May import: monitoring, custody, sentencing, assessment, people,
facilities, accounts, audit, web, core (it sits above monitoring and custody). Custody tells it of a
release through ``custody.person_released``; monitoring of an alert through ``monitoring.alert_opened``
(a violation, ``services.monitoring_link``). It tells custody of a recall on licence through
``supervision.recall_issued``.
"""
