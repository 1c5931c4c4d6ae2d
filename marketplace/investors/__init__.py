"""The investor's side: its thesis and deal flow."""
