"""Assessment services: the assessment workflow (draft, completion, countersignature, override,
reassessment) on top of the pure instrument, OGRS3 and tiering rules."""
