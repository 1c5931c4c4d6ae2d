"""Placeholder: filled by the deal_flow slice."""
