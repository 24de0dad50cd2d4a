"""The GitHub workflows in .github/workflows are valid: checked with a real validator, the npm
package @action-validator/cli (pinned in tests/tools/package.json, installed by
scripts/install-deps.sh)."""
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

VALIDATOR = REPO / "tests" / "tools" / "node_modules" / ".bin" / "action-validator"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))

# action-validator 0.6.0 (the newest release) bundles a workflow schema older than the
# `attestations` permission that actions/attest-build-provenance needs (GitHub added it in
# 2024). Workflows are validated with exactly that key removed; the test asserts it is only
# ever `attestations: write` inside a `permissions:` block, so nothing else escapes validation.
UNKNOWN_TO_SCHEMA = re.compile(r"^(\s+)attestations: write\n", re.M)


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module", autouse=True)
def validator():
    if not VALIDATOR.exists():
        pytest.fail(f"{VALIDATOR} is missing: run scripts/install-deps.sh (npm install --prefix tests/tools)")


def test_the_expected_workflows_exist():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "release.yml", "self-test.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_is_valid(workflow, tmp_path):
    text = workflow.read_text()
    for match in UNKNOWN_TO_SCHEMA.finditer(text):
        before = text[: match.start()].splitlines()
        block = next(line for line in reversed(before) if len(line) - len(line.lstrip()) < len(match.group(1)))
        assert block.strip() == "permissions:", f"{workflow.name}: 'attestations: write' outside permissions"
    checked = tmp_path / workflow.name
    checked.write_text(UNKNOWN_TO_SCHEMA.sub("", text))
    result = validate(checked)
    assert result.returncode == 0, f"{workflow.name} is invalid:\n{result.stdout}\n{result.stderr}"


def test_validator_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("name: broken\non: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    step:\n      - run: true\n")
    assert validate(broken).returncode != 0


def test_ci_runs_the_test_script_and_release_covers_both_architectures():
    ci = (REPO / ".github" / "workflows" / "ci.yml").read_text()
    assert "scripts/test.sh" in ci and "pull_request" in ci
    release = (REPO / ".github" / "workflows" / "release.yml").read_text()
    for needed in ("x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl", "packaging/alpine/build.sh",
                   "attest-build-provenance", "packaging/Containerfile", "--draft", "sha256.sum"):
        assert needed in release, needed
    self_test = (REPO / ".github" / "workflows" / "self-test.yml").read_text()
    assert "uses: ./actions/setup" in self_test and "tests/projects/demo" in self_test
