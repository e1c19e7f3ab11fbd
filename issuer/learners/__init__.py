"""Young people's records: the list and search, recording, consents, the personal link, erasure."""
