"""Introductions (double opt-in) and their message threads, for every side."""
