"""The account's own settings: password, email, language, and colleagues' invitations."""
