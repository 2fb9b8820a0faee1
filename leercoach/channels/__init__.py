"""Leercoach's input channels: thin translators between a platform and Rasa.

Each one checks that a request really comes from its platform, turns the platform's message
and buttons into Rasa's, and hands Rasa only what ``leercoach.privacy.boundary`` returns: the
pseudonym instead of the user id and the redacted text. No business logic lives here.
"""
