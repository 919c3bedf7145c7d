"""Everything the repository points at is inside it: Kie's contract is docs/kie.md."""

from __future__ import annotations

import re
import subprocess

from tests.fresh_clone import ROOT

# Built from pieces so that this file does not itself match.
FORBIDDEN = ("kie-api" + ".md", "../" + "shared")
KIE_DOC = ROOT / "docs" / "kie.md"


def repository_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def test_no_file_points_outside_the_repository_for_kies_contract() -> None:
    offenders = []
    for name in repository_files():
        text = (ROOT / name).read_bytes().decode(errors="ignore")
        offenders += [f"{name}: {word}" for word in FORBIDDEN if word in text]

    assert not offenders


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


def test_every_pointer_to_docs_kie_md_names_a_section_that_exists() -> None:
    anchors = _anchors(KIE_DOC.read_text())
    cited = set()
    for name in repository_files():
        if name.endswith((".py", ".md", ".html")):
            text = (ROOT / name).read_text(errors="ignore")
            cited |= set(re.findall(r"docs/kie\.md#([\w-]+)", text))
            cited |= set(re.findall(r"docs/kie\.md#[\w-]+, #([\w-]+)", text))

    assert cited, "nothing cites a section of docs/kie.md"
    assert cited <= anchors, sorted(cited - anchors)


def test_readme_links_the_kie_contract() -> None:
    assert "](docs/kie.md)" in (ROOT / "README.md").read_text()


def test_kie_doc_links_kies_public_docs() -> None:
    text = KIE_DOC.read_text()

    assert len(set(re.findall(r"https://docs\.kie\.ai/[\w/.-]+", text))) >= 10
