"""The person master record: identity, aliases, identifiers, addresses, contacts, alerts, case notes,
the timeline, search (exact, prefix, sound-alike, fuzzy), duplicate detection and merge.

Invariants: one system number per person (A1234BC), unique; a merged record points at its survivor
and is never shown as live; every reference moves to the survivor on merge. May import: core, web,
audit, facilities, accounts.

Decisions worth knowing:
- Scope (AZ-3): ``queries.people_in_scope(actor)`` is the one filter every read uses: national actors
  see everyone; others see people with an open ``PersonSiteLink`` to a site they reach (organisation
  scope: any site of their organisation; sites scope: their sites); caseload scope also needs an open
  ``Allocation`` to the actor. EXISTS subqueries, never joins. Out of scope is ``NotFound``.
- Merged records: the duplicate keeps its row (status MERGED, ``merged_into`` the survivor) and its
  public id keeps answering: ``PersonMerged`` (a NotFound with code ``people.merged``) names the
  survivor when the actor can see it. Pages redirect to the survivor; the API answers 404
  ``people.merged`` with the survivor's id in the detail. The duplicate's names become aliases and
  its system number an identifier of the survivor, so old references still find the person.
- Merge moves every foreign key to Person found through ``Person._meta`` (later apps included);
  rows that would break a unique constraint (the survivor already has the same identifier or an open
  link to the same site) are dropped. It publishes ``people.person_merged`` (core event) with
  ``survivor_id`` and ``duplicate_id`` for apps such as keep-apart links.
- Duplicate check on create searches every organisation (a duplicate elsewhere is still a
  duplicate); candidates outside the actor's scope are only counted, never described.
- Search ranks exact identifier and system number matches first, then exact name, prefix,
  sound-alike (metaphone, NYSIIS) and similar spelling (rapidfuzz) over a candidate set fetched by
  indexed lookups only: name prefixes, phonetic keys, a sorted-letters key for swapped letters, the
  first three letters, and everyone born on the given date. Searches are audited by result count.
- Case notes: health notes need people.view_health_notes, security notes
  people.view_security_notes, to read and to write. Note text is encrypted at rest (DP-1).
"""
