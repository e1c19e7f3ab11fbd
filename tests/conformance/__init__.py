"""Conformance tests: Palier's badges checked by 1EdTech's official validator, offline."""
