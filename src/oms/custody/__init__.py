"""Custody: the daily work of a prison or jail. Who is here, where they sleep, where they are now,
and whether the count is right.

Entities: ``CustodyEpisode`` (one spell in custody, reception to release, following the person through
transfers), its ``LawfulAuthority``, ``PropertyItem``, ``CashEntry`` and ``IntakeScreening``;
``BedAssignment`` (housing); ``NonAssociation`` and ``KeepApartGroup`` (keep-aparts); ``Movement``;
``CountTime``, ``CountSession``, ``CountEntry``, ``CountDiscrepancy`` (formal counts);
``ObservationPlan`` and ``ObservationCheck`` (people on watch); ``Recall`` (recalled from licence,
expected back; recorded from supervision's ``supervision.recall_issued``, to which custody subscribes by
name).

Invariants held by the database on SQLite and PostgreSQL alike: a person has at most one open episode;
a bed holds at most one open assignment; an episode has at most one open bed; a non-association pair
is stored once, lower person id first, and is never deleted.

May import: people, facilities, accounts, audit, web, core. Tells higher apps what happened through
``core.events`` and the ``core.outbox`` (custody.person_received, custody.person_released,
custody.person_transferred, custody.cell_moved).
"""
