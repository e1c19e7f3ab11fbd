"""Awarding along the tree: the learner's page, one badge at a time, revocation, BadgeClass versions."""
