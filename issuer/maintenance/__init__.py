"""Running an instance: set-up, demo data, key rotation, backup and restore."""
