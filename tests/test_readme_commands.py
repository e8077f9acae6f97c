"""Every command the README prints in a shell block is one this project has, with arguments
its parser accepts: `make` targets and their variables in the Makefile, `manage.py` commands
and their options, the Celery app. (Running them end to end on the demo: `make run`, then
`make census`, `make annex-a`, `make worker`, `make beat`, done by hand for the README.)"""

import re
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = (ROOT / "Makefile").read_text()


def _commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    lines = []
    for block in blocks:
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


COMMANDS = _commands()


def test_the_readme_has_commands():
    assert any(c.startswith("make census") for c in COMMANDS)
    assert any("manage.py import_cin_census" in c for c in COMMANDS)


@pytest.mark.parametrize("line", COMMANDS)
def test_readme_command_exists(line):
    words = shlex.split(line)
    if words[0] == "export":
        assert all(re.match(r"^[A-Z_]+=", w) for w in words[1:]), line
        return
    if words[0] == "make":
        target, *variables = words[1:]
        assert re.search(rf"^{re.escape(target)}:", MAKEFILE, re.M), f"no make target {target}"
        for variable in variables:
            name = variable.split("=", 1)[0]
            assert f"$({name})" in MAKEFILE, f"make {target}: {name} is not used"
        return
    if words[:2] == [".venv/bin/python", "manage.py"]:
        name, *args = words[2:]
        assert name in get_commands(), f"no manage.py command {name}"
        command = load_command_class(get_commands()[name], name)
        command.create_parser("manage.py", name).parse_args(args)  # exits on a bad option
        return
    if words[0] == ".venv/bin/celery":
        assert words[1:3] == ["-A", "wirral_cp"] and words[3] in ("worker", "beat"), line
        return
    pytest.fail(f"The README prints a command this test does not know: {line}")
