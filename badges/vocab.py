"""Open Badges 2.0 vocabulary: the context URL, document types and verification types."""

CONTEXT_URL = "https://w3id.org/openbadges/v2"

# Other spellings of the same context that real documents use; all served from the bundled copy.
CONTEXT_ALIASES = frozenset(
    {
        CONTEXT_URL,
        CONTEXT_URL + "/",
        "https://openbadgespec.org/v2/context.json",
    }
)

ASSERTION = "Assertion"
ENDORSEMENT = "Endorsement"
BADGE_CLASS = "BadgeClass"
ISSUER = "Issuer"
PROFILE = "Profile"
CRYPTOGRAPHIC_KEY = "CryptographicKey"
REVOCATION_LIST = "RevocationList"

HOSTED = "HostedBadge"
SIGNED = "SignedBadge"
# The context also defines the short aliases "hosted" and "signed"; we read them, never write them.
HOSTED_TYPES = frozenset({HOSTED, "hosted"})
SIGNED_TYPES = frozenset({SIGNED, "signed"})

JWS_ALG = "RS256"

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
BAKING_NAMESPACE = "http://openbadges.org"
BAKING_KEYWORD = "openbadges"
# Open Badges 3.0 bakes an OpenBadgeCredential elsewhere: its own PNG keyword and SVG element.
OB3_BAKING_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB3_BAKING_KEYWORD = "openbadgecredential"
