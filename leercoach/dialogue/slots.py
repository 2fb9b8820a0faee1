"""The names of the slots in domain.yml, written once (tests/leercoach/dialogue/test_slots.py
checks them against the domain). Pure constants: no Rasa import."""

REQUESTED = "requested_slot"  # Rasa's own: the question the running form asks

# The list context a knowledge answer leaves behind ("de tweede", "vertel meer").
LAST_LIST = "last_list"
LAST_TOPIC = "last_topic"
MORE_SHOWN = "more_shown"

AUDIENCE = "audience"
AUDIENCE_ASKED = "audience_asked"

HANDOFF_OFFERED = "handoff_offered"
HANDOFF_QUESTION = "handoff_question"
HANDOFF_CONTACT = "handoff_contact"
HANDOFF_CANCELLED = "handoff_cancelled"
HANDOFF_SENT = "handoff_sent"

# Coaching (leercoach.coaching.flow). The goal and the answers are the coaching form's questions,
# in the order of leercoach/coaching/texts.yml.
COACHING_PHASE = "coaching_phase"
COACHING_GOAL = "coaching_goal"
TIME_PER_WEEK = "time_per_week"
SOCIAL = "social"
LEARNING_STYLE = "learning_style"
CERTIFICATE = "certificate"
BUDGET = "budget"
GOAL_ANALYSIS = "goal_analysis"
ROUTE_RANKING = "route_ranking"
ROUTES_CHOSEN = "routes_chosen"
ROUTES_REJECTED = "routes_rejected"
COACHING_REDO = "coaching_redo"
COACHING_PLAN = "coaching_plan"

COACHING_ANSWERS = (TIME_PER_WEEK, SOCIAL, LEARNING_STYLE, CERTIFICATE, BUDGET)
COACHING = (
    COACHING_PHASE,
    COACHING_GOAL,
    *COACHING_ANSWERS,
    GOAL_ANALYSIS,
    ROUTE_RANKING,
    ROUTES_CHOSEN,
    ROUTES_REJECTED,
    COACHING_REDO,
    COACHING_PLAN,
)
