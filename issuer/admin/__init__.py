"""Administration: staff accounts, the structure's profile and logo, signing keys, the audit log."""
