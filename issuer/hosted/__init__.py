"""The permanent Open Badges documents: issuer, keys, revocations, badge classes, assertions."""
