"""Fixtures of the conformance tests: credentials issued by a running test instance."""

from __future__ import annotations

import pytest

from .ob3_instance import build
from .ob3_scenario import Case


@pytest.fixture(scope="session")
def ob3_app_cases(tmp_path_factory) -> dict[str, Case]:
    """The Open Badges 3.0 cases of a test instance of Palier, built once per run."""
    return build(tmp_path_factory.mktemp("palier-ob3"))
