"""Diversion pages (thin: read in scope, call one service, render)."""
