"""Journeys in a real browser: Debian's chromium, driven by Playwright, against a live server."""
