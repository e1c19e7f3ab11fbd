"""Discord: award badges from a structure's own Discord server through HTTP interactions."""
