"""Privacy by construction: redaction, pseudonyms, retention, erasure, export and the audit log.

One module per concern; every channel, the tracker store and the review app use these and
nothing else, so each promise of the privacy text has exactly one mechanism behind it.
"""
