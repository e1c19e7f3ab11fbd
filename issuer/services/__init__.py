"""Use cases: each takes a database session, the runtime and ``now``, flushes, and leaves the commit to the caller."""
