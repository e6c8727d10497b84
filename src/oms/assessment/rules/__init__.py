"""Pure scoring: instruments as versioned data, the generic scorer, OGRS3 and probation tiering."""
