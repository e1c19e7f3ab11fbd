"""Open Badges 3.0 / Verifiable Credentials 2.0 vocabulary: context URLs, types, pinned hashes."""

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# The only @context a Palier credential (badge or status list) ever has, in this order.
CONTEXTS = (VC_CONTEXT, OB_CONTEXT)

# Bundled copies of the contexts: file name and the sha256 of its bytes. Changing a context
# changes what every signature covers, so a file that differs from its pin is never loaded.
CONTEXT_FILES = {
    VC_CONTEXT: ("credentials-v2.jsonld", "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f"),
    OB_CONTEXT: (
        "ob-v3p0-context-3.0.3.json",
        "01d87cc8b5357af557bfb09428f603c4691c49ef8a6089945a70bda1b96b1db2",
    ),
}

# The contexts a DID document names (served by the app, never expanded by the core).
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"

VERIFIABLE_CREDENTIAL = "VerifiableCredential"
OPEN_BADGE_CREDENTIAL = "OpenBadgeCredential"
ACHIEVEMENT_SUBJECT = "AchievementSubject"
ACHIEVEMENT = "Achievement"
PROFILE = "Profile"
IDENTITY_OBJECT = "IdentityObject"
STATUS_LIST_CREDENTIAL = "BitstringStatusListCredential"
STATUS_LIST = "BitstringStatusList"
STATUS_ENTRY = "BitstringStatusListEntry"
REVOCATION = "revocation"

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"
MULTIKEY = "Multikey"

# Multicodec header of an Ed25519 public key (0xed as an unsigned varint), then the 32 raw bytes.
ED25519_MULTICODEC = b"\xed\x01"

# The W3C Bitstring Status List minimum: 16 KiB of bits, so one index says nothing about who.
MIN_STATUS_ENTRIES = 131_072
