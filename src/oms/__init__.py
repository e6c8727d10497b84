"""OMS: one system for everyone who works with a person in the justice system."""
