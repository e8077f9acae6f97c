"""The demo users the README lists, read from its table, so a user added there is tested."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_demo_users() -> list[str]:
    text = README.read_text()
    table = text.split("Demo users", 1)[1].split("\n\n", 2)[1]
    users = []
    for line in table.splitlines():
        if line.startswith("| `"):
            users += re.findall(r"`([a-z0-9.]+)`", line.split("|")[1])
    return users
