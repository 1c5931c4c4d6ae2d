"""Ranked matches: a startup's investors, loan products and incubation seats; save and dismiss."""
