"""Page forms."""
