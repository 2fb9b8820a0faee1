"""Leercoach: what Rasa lacks, one folder per concern."""
