"""The demo users the README lists, read from its table, so a user added there is tested."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_demo_users() -> list[str]:
    """The usernames in the first column of the README's table headed `| user | role |`."""
    text = README.read_text()
    table = text[text.index("| user | role |") :].split("\n\n", 1)[0]
    users = []
    for line in table.splitlines()[2:]:
        users += re.findall(r"`([a-z0-9.]+)`", line.split("|")[1])
    return users
