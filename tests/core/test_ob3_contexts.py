"""The bundled JSON-LD contexts: pinned bytes, served offline, everything else refused."""

from __future__ import annotations

import hashlib
import socket
from importlib import resources

import pytest
from ob3_fixtures import credential

from badges import ContextError, ob3
from badges.ob3 import ld, vocab

# Written out again here, not read from vocab: a change of context must change two files.
PINS = {
    "credentials-v2.jsonld": "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
    "ob-v3p0-context-3.0.3.json": "01d87cc8b5357af557bfb09428f603c4691c49ef8a6089945a70bda1b96b1db2",
}


@pytest.mark.parametrize("name", sorted(PINS))
def test_contexts_bundled_file_has_its_pinned_sha256(name):
    raw = resources.files("badges.ob3").joinpath("data/" + name).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == PINS[name]


def test_contexts_vocab_pins_the_same_files():
    assert dict(vocab.CONTEXT_FILES.values()) == PINS


def test_contexts_credentials_name_vc2_then_ob303_in_that_order():
    assert ob3.CONTEXTS == (
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    )


@pytest.mark.parametrize("url", sorted(vocab.CONTEXT_FILES))
def test_contexts_loader_serves_each_bundled_context(url):
    served = ob3.document_loader(url)
    assert served["documentUrl"] == url and "@context" in served["document"]


@pytest.mark.parametrize(
    "url",
    [
        "https://w3id.org/openbadges/v2",
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "https://www.w3.org/ns/credentials/v2/",
        "http://www.w3.org/ns/credentials/v2",
        "https://w3id.org/security/data-integrity/v2",
        "https://badges.example.fr/s/club/did.json",
        "did:web:badges.example.fr",
        "file:///etc/passwd",
        "",
    ],
)
def test_contexts_loader_refuses_any_other_url(url):
    with pytest.raises(ContextError) as caught:
        ob3.document_loader(url)
    assert caught.value.code == "unknown_context"


def test_contexts_loader_returns_a_copy_the_caller_cannot_spoil():
    url = ob3.VC_CONTEXT
    ob3.document_loader(url)["document"]["@context"]["name"] = "ailleurs"
    assert ob3.document_loader(url)["document"]["@context"]["name"] != "ailleurs"


def test_contexts_a_document_naming_a_remote_context_is_refused_not_fetched(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the core opened a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    doc = {"@context": ["https://example.org/remote-context.jsonld"], "name": "x"}
    with pytest.raises(ContextError):
        ob3.canonicalize(doc)


def test_contexts_canonicalising_a_credential_opens_no_socket(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the core opened a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    assert ob3.canonicalize(credential(sign=False)).endswith(" .\n")


def test_contexts_a_bundled_file_that_changed_is_refused(monkeypatch):
    name, _ = vocab.CONTEXT_FILES[ob3.VC_CONTEXT]
    monkeypatch.setitem(vocab.CONTEXT_FILES, ob3.VC_CONTEXT, (name, "0" * 64))
    ld._bundled.cache_clear()
    try:
        with pytest.raises(ContextError) as caught:
            ob3.document_loader(ob3.VC_CONTEXT)
        assert caught.value.code == "context_changed"
    finally:
        ld._bundled.cache_clear()


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("@unknown", "x"),
        ("undefinedTerm", "x"),
        ("name", None),
    ],
)
def test_contexts_check_closed_refuses_what_json_ld_would_drop(change, value):
    doc = credential(sign=False)
    doc[change] = value
    with pytest.raises(ContextError) as caught:
        ob3.check_closed(doc)
    assert caught.value.code == "not_closed"


def test_contexts_check_closed_refuses_a_repeated_list_item():
    doc = credential(sign=False)
    doc["credentialSubject"]["achievement"]["tag"] *= 2
    with pytest.raises(ContextError):
        ob3.check_closed(doc)


def test_contexts_check_closed_accepts_every_credential_the_builder_makes():
    ob3.check_closed(credential(sign=False))
    ob3.check_closed(credential(sign=False, email=False))
