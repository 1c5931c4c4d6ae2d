"""Relay incubation (接力孵化) reservations and 孵投联动 partnerships."""
