"""The award API for machines: structure tokens with scopes, awards or drafts, recipients by external id."""
