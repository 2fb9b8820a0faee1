"""The intranet chat widget: plain JS/CSS in static/, a demo intranet page in demo/, served by server.py."""
