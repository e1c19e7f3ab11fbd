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
    endorsement,
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
    # untrusted JSON
    "MAX_JSON",
    "MAX_JSON_DEPTH",
    # baking
    "MAX_UPLOAD",
    # documents
    "Alignment",
    # errors
    "BadgeFormatError",
    "BadgesError",
    "BakingError",
    "ContextError",
    "DocumentError",
    "Evidence",
    "IdentityError",
    # verification
    "Lookup",
    "LookupUnavailable",
    "Report",
    "SignatureError",
    "StoredAssertion",
    "Verdict",
    "assertion",
    "badge_class",
    "bake_png",
    "bake_svg",
    "canonical_json",
    "compact",
    "cryptographic_key",
    "endorsement",
    "expand",
    "extract",
    "extract_png",
    "extract_svg",
    # signatures
    "generate_private_key",
    # recipients
    "hash_recipient",
    "hosted_verification",
    "issuer_profile",
    "load_private_key",
    "public_key_pem",
    "read_json",
    "read_unverified",
    "recipient_matches",
    "revocation_list",
    "revoked_assertion",
    "sign_assertion",
    "signed_verification",
    "verify_badge",
    "verify_signature",
]
