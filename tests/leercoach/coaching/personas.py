"""The two people the coaching tests follow, as their answers to the five choice questions.

TOGETHER learns with others, by doing, wants no certificate and does not know the budget: the
walk, the route messages and the actions are tested with them. ALONE learns by doing on their
own with a budget: the goal phrases and the widget's plan buttons are tested with them.
"""

TOGETHER = {
    "time_per_week": "1_3",
    "social": "together",
    "learning_style": "doing",
    "certificate": "no",
    "budget": "unknown",
}
ALONE = {
    "time_per_week": "1_3",
    "social": "alone",
    "learning_style": "doing",
    "certificate": "no",
    "budget": "yes",
}
