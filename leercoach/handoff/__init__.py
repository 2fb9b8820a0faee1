"""Hulpvragen: a question an employee asks Leercoach to pass on to HR, with the contact they chose.

The contact is the one piece of personal data the project keeps on purpose, so it takes its own
path: the widget sends it as message metadata (never as text), the REST channel passes on only
that key (``leercoach.channels.rest``), the action reads it from the latest message in memory and
writes the row straight into the review app's table (``store``); the tracker store drops message
metadata, so it never reaches the conversation store or a log. ``contact`` checks it first.
"""
