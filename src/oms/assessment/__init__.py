"""Assessment: risk and needs instruments, classification and probation tiering."""
