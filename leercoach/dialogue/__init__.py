"""Dialogue management: Rasa policies tuned for Leercoach (see policies.py)."""
