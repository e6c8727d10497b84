"""Page forms, one module per area."""
