"""Open Badges 3.0 (W3C Verifiable Credentials 2.0) without a web server."""
