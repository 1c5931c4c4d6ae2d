"""Placeholder: filled by the loan_products slice."""
