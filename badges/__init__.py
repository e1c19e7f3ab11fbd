"""Open Badges 2.0 without a web server: documents, identities, signatures, baking, verification."""

from ._json import MAX_DEPTH as MAX_JSON_DEPTH
from ._json import MAX_JSON, read_json
from .baking import MAX_UPLOAD, bake_png, bake_svg, extract, extract_png, extract_svg
from .context import compact, expand
from .documents import (
    Alignment,
    Evidence,
    assertion,
    badge_class,
    canonical_json,
    cryptographic_key,
    hosted_verification,
    issuer_profile,
    revocation_list,
    revoked_assertion,
    signed_verification,
)
from .errors import (
    BadgeFormatError,
    BadgesError,
    BakingError,
    ContextError,
    DocumentError,
    IdentityError,
    LookupUnavailable,
    SignatureError,
)
from .identity import hash_recipient, recipient_matches
from .report import Lookup, Report, StoredAssertion, Verdict
from .signing import (
    generate_private_key,
    load_private_key,
    public_key_pem,
    read_unverified,
    sign_assertion,
    verify_signature,
)
from .verify import verify_badge
from .vocab import CONTEXT_URL

__all__ = [
    # vocabulary and JSON-LD
    "CONTEXT_URL",
    "compact",
    "expand",
    # documents
    "Alignment",
    "Evidence",
    "assertion",
    "badge_class",
    "canonical_json",
    "cryptographic_key",
    "hosted_verification",
    "issuer_profile",
    "revocation_list",
    "revoked_assertion",
    "signed_verification",
    # recipients
    "hash_recipient",
    "recipient_matches",
    # signatures
    "generate_private_key",
    "load_private_key",
    "public_key_pem",
    "read_unverified",
    "sign_assertion",
    "verify_signature",
    # untrusted JSON
    "MAX_JSON",
    "MAX_JSON_DEPTH",
    "read_json",
    # baking
    "MAX_UPLOAD",
    "bake_png",
    "bake_svg",
    "extract",
    "extract_png",
    "extract_svg",
    # verification
    "Lookup",
    "Report",
    "StoredAssertion",
    "Verdict",
    "verify_badge",
    # errors
    "BadgeFormatError",
    "BadgesError",
    "BakingError",
    "ContextError",
    "DocumentError",
    "IdentityError",
    "LookupUnavailable",
    "SignatureError",
]
