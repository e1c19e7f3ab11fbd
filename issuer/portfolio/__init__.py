"""The young person's own page: their badges, baked downloads, QR codes, LinkedIn, the zip export."""
