"""Placeholder: filled by the capacities slice."""
