"""Personal development coaching: from a goal and a few preferences to a plan.

Pure logic, no Rasa: ``goal`` reads the goal, ``questions`` understands typed answers,
``ranking`` orders the eight routes, ``walk`` words the route messages, ``steps`` and
``plan`` make the plan. Every Dutch text and every weight lives in the YAML files here.
"""
