"""The register that answers "what cooperation do we have": export and import of the register,
the public register (no login), and dormant cooperation found with its reason.

Sits above ``cooperations`` (it lists and creates cooperations), beside ``documents``."""
