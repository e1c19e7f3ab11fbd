"""Collecting at the end of a session: a QR code and a short code that open the young person's page."""
