"""The Dutch spaCy pipeline (nl_core_news_sm) that Rasa's SpacyNLP loads.

`python -m leercoach.nlp.install` installs it (official wheel, a given wheel,
or a locally trained stand-in); `python -m leercoach.nlp.info` reports it.
"""
