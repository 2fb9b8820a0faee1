"""Privacy by design: redaction, pseudonyms, retention, erasure and the audit log."""
