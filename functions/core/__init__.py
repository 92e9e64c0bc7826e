"""The shared domain: what two or more domains need, with no HTTP and no routes.

``ledger`` (accounts, movements, the invariant), ``ownership`` (URL rules per platform,
normalisation, owner resolution), ``platforms`` (one adapter per platform: OAuth
settings, identity, likes), ``flattrs`` (a flattr's id, UTC month, split shard and the
split status). Domains import this and ``common``, never one another.
"""
