"""The files a new teammate starts from: env documentation, quick start and compose."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "adstudio" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"


def names_settings_read(source: str) -> set[str]:
    """Every name adstudio/settings.py asks `env` for: env("X"), env.bool("X"), env.list("X")…

    A name built at run time could not be checked, so it fails here rather than slip through.
    """
    names = set()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and _is_env_call(node.func)):
            continue
        first = node.args[0] if node.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            raise AssertionError(f"line {node.lineno}: read a setting by a literal name")
        names.add(first.value)
    return names


def _is_env_call(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "env"
    return isinstance(func, ast.Attribute) and _is_env_call(func.value)


def documented_names(text: str) -> dict[str, str]:
    """`NAME=` lines (or `# NAME=` for ones only the environment can set) -> the comment above."""
    documented: dict[str, str] = {}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"^(?:# )?([A-Z][A-Z0-9_]*)=", line)
        if match:
            above = lines[index - 1] if index else ""
            is_comment = above.startswith("#") and not re.match(r"^# [A-Z][A-Z0-9_]*=", above)
            documented[match.group(1)] = above if is_comment else ""
    return documented


SETTING_NAMES = sorted(names_settings_read(SETTINGS.read_text()))


def test_the_settings_scan_finds_every_kind_of_env_call() -> None:
    source = 'A = env("A")\nB = env.bool("B", default=False)\nC = env.list("C", default=[])\n'

    assert names_settings_read(source) == {"A", "B", "C"}
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "KIE_API_KEY"} <= set(SETTING_NAMES)


def test_the_settings_scan_refuses_a_name_it_cannot_read() -> None:
    with pytest.raises(AssertionError, match="literal name"):
        names_settings_read('name = "X"\nX = env(name)\n')


@pytest.mark.parametrize("name", SETTING_NAMES)
def test_every_setting_read_from_the_environment_is_in_env_example_with_a_comment(
    name: str,
) -> None:
    documented = documented_names(ENV_EXAMPLE.read_text())

    assert name in documented, f"add {name}= to .env.example"
    assert documented[name], f"explain {name} in a comment line above it in .env.example"


def test_env_example_lists_nothing_the_settings_do_not_read() -> None:
    stale = set(documented_names(ENV_EXAMPLE.read_text())) - set(SETTING_NAMES)

    assert not stale


def test_readme_quick_start_is_exactly_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert quick_start.split() == ["make", "run", "make", "test"]


def test_compose_runs_the_same_processes_as_make_run() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "web", "worker", "sandbox"}
    assert "gunicorn adstudio.wsgi" in services["web"]["command"]
    assert services["worker"]["command"] == "python manage.py db_worker"
    assert "kie_sandbox" in services["sandbox"]["command"]


def test_compose_refuses_to_start_without_a_real_secret_key() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    compose = yaml.safe_load(text)
    for name in ("web", "worker"):
        secret = compose["services"][name]["environment"]["DJANGO_SECRET_KEY"]
        assert secret.startswith("${DJANGO_SECRET_KEY:?"), secret  # required, no default
    assert "change-me" not in text


def test_compose_media_hosts_name_the_sandbox_port() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["web"]["environment"]["KIE_MEDIA_HOSTS"].endswith("sandbox:8001}")
