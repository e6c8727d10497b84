"""Pure diversion rules: eligibility, the sliding-scale fee, requirement status and progress, the
participation's legal state transitions. No ORM, no I/O."""
