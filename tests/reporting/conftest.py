import os

import pytest

from reporting.validation import validator_python


@pytest.fixture
def cin_validator():
    """The real DfE census validator. In CI a missing validator fails the test run; on a
    developer's machine without `.venv-cin` the tests that need it are skipped."""
    python = validator_python()
    if python is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                "The CIN census validator is not installed: .ci/run makes .venv-cin "
                "(or set CIN_VALIDATOR_PYTHON)."
            )
        pytest.skip("The CIN census validator (.venv-cin) is not installed here.")
    return python
