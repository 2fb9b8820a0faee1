"""Rasa input channels: the intranet widget (REST), Slack and Microsoft Teams.

Each channel is thin: it checks that a request really comes from its platform, translates
messages and buttons, and hands Rasa the keyed pseudonym of the user, never the platform id.
"""
