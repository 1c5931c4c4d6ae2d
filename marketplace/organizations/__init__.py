"""Any organization's public profile page, with its deal history."""
