"""Pure rules: questions and answers, workflow transitions, hearing deadlines, punishment schedules,
upload checks, rates."""
