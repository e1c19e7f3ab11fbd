"""Verification in plain French: the verdict page, « Vérifier un badge », the JSON API and its OpenAPI."""
