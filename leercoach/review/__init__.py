"""HR review app (Django): HR reads redacted conversations, sees what employees need, improves Leercoach.

It reads Rasa's tracker store read-only and keeps its own data (users, tags, status, notes,
handoff requests, a summary per conversation) in its own database. See docs/review.md.
"""
