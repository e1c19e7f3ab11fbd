"""Game sessions and events: participants, one badge for many, a tournament's CSV."""
