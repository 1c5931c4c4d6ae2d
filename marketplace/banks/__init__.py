"""The bank's side: its loan products and eligible borrowers."""
