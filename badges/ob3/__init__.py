"""Open Badges 3.0 (W3C Verifiable Credentials 2.0) without a web server.

Credentials are built from plain values (``open_badge_credential``), signed with a Data Integrity
proof ``eddsa-rdfc-2022`` (``sign_credential``), revocable through a Bitstring Status List
(``status_list_credential``), issued by a did:web whose document ``did_document`` builds, and
verified against the issuer's own records (``verify_credential``). Nothing here fetches a URL:
JSON-LD contexts are bundled, keys and status lists come from the injected lookup.
"""

from .baking import bake_credential_png, bake_credential_svg, extract_credential, read_credential
from .credential import (
    Alignment,
    Evidence,
    achievement,
    achievement_from_badge_class,
    hashed_identifier,
    identifier_matches,
    issuer_profile,
    open_badge_credential,
)
from .did import did_document, did_web_to_url, url_to_did_web, verification_method_id
from .keys import generate_private_key, load_private_key, public_key_multibase, public_key_of
from .ld import canonicalize, check_closed, document_loader
from .proof import Transformed, read_proof, transform
from .proof import sign as sign_credential
from .proof import verify as verify_proof
from .status import (
    decode_list,
    encode_list,
    get_bit,
    new_bitstring,
    pick_unused_indices,
    set_bit,
    status_entry,
    status_list_credential,
)
from .text import clean_text, is_clean
from .verify import CODES, CredentialLookup, CredentialReport, verify_credential
from .vocab import CONTEXTS, CRYPTOSUITE, MIN_STATUS_ENTRIES, OB_CONTEXT, VC_CONTEXT

__all__ = [
    # verification
    "CODES",
    # vocabulary and JSON-LD
    "CONTEXTS",
    "CRYPTOSUITE",
    "MIN_STATUS_ENTRIES",
    "OB_CONTEXT",
    "VC_CONTEXT",
    # documents
    "Alignment",
    "CredentialLookup",
    "CredentialReport",
    "Evidence",
    # proofs
    "Transformed",
    "achievement",
    "achievement_from_badge_class",
    # baking
    "bake_credential_png",
    "bake_credential_svg",
    "canonicalize",
    "check_closed",
    "clean_text",
    # revocation
    "decode_list",
    # keys and did:web
    "did_document",
    "did_web_to_url",
    "document_loader",
    "encode_list",
    "extract_credential",
    "generate_private_key",
    "get_bit",
    "hashed_identifier",
    "identifier_matches",
    "is_clean",
    "issuer_profile",
    "load_private_key",
    "new_bitstring",
    "open_badge_credential",
    "pick_unused_indices",
    "public_key_multibase",
    "public_key_of",
    "read_credential",
    "read_proof",
    "set_bit",
    "sign_credential",
    "status_entry",
    "status_list_credential",
    "transform",
    "url_to_did_web",
    "verification_method_id",
    "verify_credential",
    "verify_proof",
]
