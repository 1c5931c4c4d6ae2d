"""Placeholder: filled by the theses slice."""
