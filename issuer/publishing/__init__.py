"""The static copy of the public documents (``PUBLISH_DIR``), for nginx to serve and to outlive the server."""
