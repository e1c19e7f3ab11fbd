"""Open Badges 2.0 without a web server: documents, identities, signatures, baking, verification."""
