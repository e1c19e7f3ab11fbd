"""The app gunicorn serves during a run: Palier itself, plus a constant « hello » endpoint to compare with.

The hello route exists only here, never in the real app. Gunicorn builds it with
``benchmarks.server_app:create_bench_app()``; the config comes from the JSON file named by
``PALIER_BENCH_CONFIG``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from flask import Flask, Response

HELLO_PATH = "/__bench/hello"


def hello() -> Response:
    """The cheapest answer the same app and server can give: the ceiling of requests per second."""
    return Response("hello", mimetype="text/plain")


def create_bench_app(config_path: str | None = None) -> Flask:
    """Palier's app on the benchmark instance, with the hello route added."""
    from issuer import create_app

    path = Path(config_path or os.environ["PALIER_BENCH_CONFIG"])
    app = create_app(json.loads(path.read_text()))
    app.add_url_rule(HELLO_PATH, "bench_hello", hello)
    return app
