"""Test-only actions for the action server's tests: one that answers, one that raises with what
the user wrote, a slot value and the message's metadata in its exception (as a careless action
or a library error might)."""

from rasa_sdk import Action


class ActionThatAnswers(Action):
    def name(self):
        return "action_that_answers"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="gelukt")
        return []


class ActionThatFails(Action):
    def name(self):
        return "action_that_fails"

    def run(self, dispatcher, tracker, domain):
        message = tracker.latest_message
        raise RuntimeError(
            f"kapot: {message.get('text')} {tracker.get_slot('geheim')} {message.get('metadata')}"
        )
