"""The personas every view test uses, in one place (the `world` fixture in tests/conftest.py
makes one user of each): the allocated social worker and a colleague in the same team, a social
worker from another team, the team's manager and another team's, the IRO who chairs the child's
conferences and another IRO, business support, a senior manager, an administrator, and nobody
signed in."""

PERSONAS = [
    "social_worker",
    "same_team_worker",
    "other_team_worker",
    "team_manager",
    "other_manager",
    "iro",
    "other_iro",
    "business_support",
    "senior_manager",
    "administrator",
    "anonymous",
]

# Everyone signed in.
STAFF = [p for p in PERSONAS if p != "anonymous"]
