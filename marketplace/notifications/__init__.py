"""The bell: a user's notifications and the settings per kind."""
