"""Sign-up, log-in, log-out and joining an organization by invitation."""
