"""Claiming into a backpack: an e-mail address attached by its owner, and the e-mail twins of their badges."""
