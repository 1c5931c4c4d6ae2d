"""Pages for everyone: the landing page and the language switch."""
