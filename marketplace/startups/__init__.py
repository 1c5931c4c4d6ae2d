"""The startup's side: its profile, funding needs and IP (filled by later issues)."""
