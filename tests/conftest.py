"""Fixtures every kind of test shares: signing keys, generated once per run."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def private_pem() -> bytes:
    """One RSA-3072 key for the whole run: generating one costs about a second."""
    from badges import generate_private_key

    return generate_private_key()


@pytest.fixture(scope="session")
def second_private_pem() -> bytes:
    """A second key, for rotation tests."""
    from badges import generate_private_key

    return generate_private_key()
