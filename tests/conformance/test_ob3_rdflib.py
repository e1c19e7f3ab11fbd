"""Our RDFC-1.0 input, cross-checked with another JSON-LD processor: rdflib's own parser.

pyld turns a credential into N-Quads and canonicalises them; rdflib reads the same JSON-LD with its
own JSON-LD 1.1 implementation (the two contexts given inline, so nothing is fetched). The two
graphs must be isomorphic: same statements, same datatypes, blank nodes aside. A divergence here
is exactly what makes a signature verify with one tool and fail with another.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from badges import ob3
from badges.ob3 import ld

from .ob3_scenario import STATUS_URL, cases

CORE = Path(__file__).resolve().parents[1] / "core"
# rdflib's JSON-LD parser still builds a ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")


def _inline(doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    doc["@context"] = [ld.context_document(url)["@context"] for url in doc["@context"]]
    return doc


def _unsigned(doc: dict) -> dict:
    return {key: value for key, value in doc.items() if key != "proof"}


def _proof_config(doc: dict) -> dict:
    config = {k: v for k, v in doc["proof"].items() if k != "proofValue"}
    config["@context"] = doc["@context"]
    return config


def _vector() -> dict:
    path = CORE / "ob3_vectors" / "1edtech-ob3-eddsa-rdfc-2022.json"
    return json.loads(path.read_text("utf-8"))["signedCredential"]


DOCUMENTS = {
    **{f"credential: {case.name}": _unsigned(case.credential) for case in cases()},
    **{f"proof configuration: {case.name}": _proof_config(case.credential) for case in cases()[:2]},
    "status list": _unsigned(cases()[-1].documents[STATUS_URL]),
    "1EdTech vector": _unsigned(_vector()),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_rdflib_reads_the_same_graph_as_our_canonical_form(name):
    doc = DOCUMENTS[name]
    ours = rdflib.Graph().parse(data=ob3.canonicalize(doc), format="nquads")
    theirs = rdflib.Graph().parse(data=json.dumps(_inline(doc)), format="json-ld")
    if not isomorphic(ours, theirs):
        _, only_ours, only_theirs = graph_diff(to_isomorphic(ours), to_isomorphic(theirs))
        pytest.fail(f"pyld seul : {sorted(only_ours)[:5]}\nrdflib seul : {sorted(only_theirs)[:5]}")
    assert len(ours) > 0


def test_rdflib_cross_check_can_fail():
    # A control: a graph missing one statement is not isomorphic, so the test above can fail.
    doc = DOCUMENTS["status list"]
    ours = rdflib.Graph().parse(data=ob3.canonicalize(doc), format="nquads")
    theirs = rdflib.Graph().parse(data=json.dumps(_inline(doc)), format="json-ld")
    theirs.remove(next(iter(theirs)))
    assert not isomorphic(ours, theirs)
