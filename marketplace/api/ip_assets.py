"""Placeholder: filled by the ip_assets slice."""
