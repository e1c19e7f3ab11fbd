"""Staff accounts: signing in and out, the interface language, creating mediators."""
