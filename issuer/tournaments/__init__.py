"""A tournament's standings (start.gg, Toornament, CSV) as a draft group award on a session."""
