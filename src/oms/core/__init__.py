"""Kernel shared by every app: the Actor, domain errors, the clock, model mixins, opaque ids,
in-transaction events, field encryption and request ids.

Imports nothing from other OMS apps (it is the bottom layer).
"""
