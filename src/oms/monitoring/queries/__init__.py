"""Monitoring reads, scoped by the actor: an order, alert or trail whose person is out of scope is not found."""
