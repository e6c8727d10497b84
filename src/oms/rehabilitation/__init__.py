"""Rehabilitation: what is done with a person to address the needs their assessment found.

- Case plans (``models.plans``): one plan per person, shared by custody and community staff; goals
  derived from assessed needs, actions with an owner, target date and status, reviews, the person's
  own words, and a saved copy of every version.
- Programmes, education and work (``models.programmes``): a catalogue of courses and work assignments
  with eligibility rules, capacity and a timetable; referrals and waiting lists; allocation (checking
  non-associations and timetable clashes); dated sessions with attendance; progress notes;
  completion or non-completion; qualifications earned.
- Incentive levels (``models.incentives``): levels per facility with what each allows, and reviews
  with the next review date (basic: within 7 days, then every 28; otherwise yearly).

Invariants: one case plan per person; one live allocation of a person to a programme; one attendance
mark per person and session; a person's current incentive review is the latest one.

May import: custody, sentencing, assessment, people, facilities, accounts, audit, web, core (it sits
above custody). Nothing below imports it: custody and people learn of it through events and the
profile-panel hooks.
"""
