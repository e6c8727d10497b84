"""The only place diversion state changes; every change audited."""
