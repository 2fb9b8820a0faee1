"""Leercoach custom actions (rasa-sdk): answers, list context, fallback and coaching."""
