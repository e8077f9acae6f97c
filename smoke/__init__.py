"""The production-shape smoke test (`make smoke`): see run_smoke.py."""
