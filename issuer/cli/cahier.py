"""Commands placeholder, being written."""

commands: list = []
