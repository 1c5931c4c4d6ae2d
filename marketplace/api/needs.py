"""Placeholder: filled by the needs slice."""
