from tests.reporting.conftest import cin_validator  # noqa: F401 (the real DfE validator)
