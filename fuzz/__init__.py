"""Coverage-guided fuzzing of Palier's parsers of untrusted input (run outside CI, see README)."""
