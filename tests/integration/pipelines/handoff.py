#!/usr/bin/env python3
"""The payload-to-draftsmith hand-off of each pipeline, run for real.

    handoff.py azure  SOURCE_DIR    pipelines/azure-pipelines.yml
    handoff.py github SOURCE_DIR    pipelines/github-actions/action.yml

The step bodies are taken from the YAML with a YAML parser and run under
bash the way the service runs them (Azure's Bash task: bash --noprofile
--norc FILE; GitHub's shell: bash: bash --noprofile --norc -eo pipefail
FILE), with the environment the service would give them: the step's env:
mapping, its values computed from a hostile comment exactly as the service
computes them (see "What is emulated" below), and a stub `draftsmith` first
on PATH that records its argv, its environment and the event file it is
given. The test then compares bytes: the comment draftsmith reads must be the
comment that was written, byte for byte, and nothing in it may have run.

What is emulated, not reproduced (the services' own code is not available
here): on Azure, template expansion of the one expression the pipeline uses,
${{ replace(convertToJson(parameters.PrComment), '$', '\\u0024') }}, is done
with Python's json.dumps (Azure's formatting differs: indentation, and
whether it keeps numbers as numbers, which does not change the decoded
comment) and str.replace; the agent's run-time macro expansion of env values
is a single non-recursive pass replacing $(Name) by a defined variable's value
and leaving undefined ones as they are, as Microsoft documents it. Whether the
real webhook resource applies the filter and the job's condition is not tested
(only that the condition is the boolean startsWith expression and no payload
text). On GitHub, ${{ inputs.NAME }} and ${{ github.* }} in env: values are
replaced by the string value (the runner evaluates expressions once, and their
results are not evaluated again); the runner writes GITHUB_EVENT_PATH itself,
which the test does with the sample payload. The job's if: condition, the
container and the install steps are not run.

The temporary directory is kept (and its path printed) when the test fails.
"""
import json
import os
import pathlib
import re
import shutil
import stat
import subprocess
import sys
import tempfile

import yaml

# A comment that tries everything: both quotes, command substitution in both
# syntaxes, shell and pipeline variables, template syntax, logging commands of
# both services, backslashes, a here-doc terminator, printf formats, a NUL-free
# control character, non-ASCII, CRLF, and a trailing newline.
HOSTILE_COMMENT = (
    "/edit /2 make the buttons \"red\" and 'blue' -n -e\n"
    "$(System.AccessToken) $(Build.SourceBranch) $(touch PWNED) `touch PWNED` ${HOME} $HOME $[ variables.x ]\n"
    "${{ parameters.PrComment }} ${{ github.token }} ${{ secrets.GITHUB_TOKEN }}\n"
    "##vso[task.setvariable variable=HACKED]yes\n"
    "::set-output name=pr-urls::https://evil.example\n"
    "::add-mask::x\n"
    "'\"; exit 7; echo \"' \\ \\n \\\\ %s %d %% \t tab\n"
    "EOF\n"
    "caf\u00e9 \U0001f527 \u202e\r\n"
    "last line\n"
)

STUB = r'''#!{python}
# Stub draftsmith: records what it was given and exits 0.
import json, os, shutil, sys
record = {record!r}
args = sys.argv[1:]
with open(os.path.join(record, "argv.json"), "w") as f:
    json.dump(args, f)
with open(os.path.join(record, "env.json"), "w") as f:
    json.dump(dict(os.environ), f)
event = None
if "--event" in args:
    event = args[args.index("--event") + 1]
elif os.environ.get("GITHUB_EVENT_PATH"):
    event = os.environ["GITHUB_EVENT_PATH"]
if event:
    shutil.copyfile(event, os.path.join(record, "event.json"))
    with open(os.path.join(record, "event.mode"), "w") as f:
        f.write(oct(os.stat(event).st_mode & 0o777))
if os.environ.get("GITHUB_OUTPUT"):
    with open(os.environ["GITHUB_OUTPUT"], "a") as f:
        f.write("pr-urls<<DRAFTSMITH_EOF\nhttps://github.example/o/r/pull/8\nhttps://github.example/o/r/pull/9\nDRAFTSMITH_EOF\n")
'''


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def check_equal_bytes(what, actual, expected):
    if actual == expected:
        return
    index = next((i for i, (a, b) in enumerate(zip(actual, expected)) if a != b),
                 min(len(actual), len(expected)))
    raise Failure(f"{what} differs at byte {index}:\n  expected {expected[max(0, index - 20):index + 40]!r}\n"
                  f"  actual   {actual[max(0, index - 20):index + 40]!r}\n"
                  f"  (lengths {len(expected)} expected, {len(actual)} actual)")


def decode_event(data):
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError as error:
        raise Failure(f"the event file draftsmith got is not valid UTF-8 JSON ({error}):\n{data[:600]!r}")


def write_stub(work):
    bin_dir = work / "bin"
    record = work / "record"
    bin_dir.mkdir()
    record.mkdir()
    stub = bin_dir / "draftsmith"
    stub.write_text(STUB.format(python=sys.executable, record=str(record)))
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    return bin_dir, record


def run_step(body, env, work, command):
    script = work / "step.sh"
    script.write_text(body)
    result = subprocess.run(command + [str(script)], env=env, cwd=work / "checkout",
                            capture_output=True)
    return result


def base_env(bin_dir, work):
    (work / "checkout").mkdir()
    return {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "HOME": str(work / "home"),
            "LANG": "C.UTF-8"}


def no_side_effects(work, result):
    check(not any(work.rglob("PWNED")), "the comment's $(touch PWNED) or `touch PWNED` ran")
    for needle in (b"##vso", b"::set-output", b"::add-mask"):
        check(needle not in result.stdout, f"the step printed {needle!r} on stdout, which the "
              f"service would take as a command:\n{result.stdout!r}")


# ---------------------------------------------------------------- Azure ---

k_azure_expression = "${{ replace(convertToJson(parameters.PrComment), '$', '\\u0024') }}"


def azure_steps(pipeline):
    """Every step of every job, looking through ${{ if }} insertions."""
    def jobs_of(node):
        for item in node or []:
            if isinstance(item, dict) and len(item) == 1 and next(iter(item)).startswith("${{"):
                yield from jobs_of(next(iter(item.values())))
            elif isinstance(item, dict):
                yield item
    for job in jobs_of(pipeline.get("jobs")):
        yield from job.get("steps") or []


def emulate_template_expansion(value, payload):
    check(value == k_azure_expression,
          f"an env: value uses a template expression this test cannot emulate: {value!r} "
          f"(it knows {k_azure_expression!r})")
    return json.dumps(payload, indent=2, ensure_ascii=False).replace("$", "\\u0024")


def emulate_macro_expansion(value, variables):
    """The agent's $(Name) macro syntax: one pass; undefined names stay as they are."""
    return re.sub(r"\$\(([A-Za-z0-9_.\-]+)\)",
                  lambda m: variables.get(m.group(1), m.group(0)), value)


def azure(source, work):
    pipeline = yaml.safe_load((source / "pipelines" / "azure-pipelines.yml").read_text())
    payload = json.loads((source / "tests" / "specs" / "ado" / "service-hooks" /
                          "ms.vss-code.git-pullrequest-comment-event.json").read_text(encoding="utf-8-sig"))
    payload["resource"]["comment"]["content"] = HOSTILE_COMMENT

    # The gate: only the boolean result of startsWith on the comment is
    # written into the pipeline, never the comment.
    for job in pipeline.get("jobs") or []:
        condition = str(job.get("condition", ""))
        gate = "${{ startsWith(parameters.PrComment.resource.comment.content, '/edit') }}"
        # issue 15: or a run of the CI pipeline resource (no payload text in it).
        check("parameters." not in condition or condition == gate or condition ==
              f"or({gate}, eq(variables['Build.Reason'], 'ResourceTrigger'))",
              f"job '{job.get('job')}' splices payload text into its condition: {condition!r}")
    steps = list(azure_steps(pipeline))
    for step in steps:
        body = step.get("bash") or step.get("script") or ""
        check("${{" not in body and "parameters." not in body,
              f"step '{step.get('displayName')}' expands template parameters inside its script")
        macros = re.findall(r"\$\(([A-Za-z0-9_.\-]+)\)", body)
        check(not macros, f"step '{step.get('displayName')}' uses macro syntax in its script "
              f"({', '.join(macros)}); the agent rewrites those, pass values through env: instead")
    handoff = [s for s in steps if any("parameters.PrComment" in str(v) for v in (s.get("env") or {}).values())]
    check(len(handoff) == 1, f"expected exactly one step that receives the payload, found {len(handoff)}")
    step = handoff[0]
    check("bash" in step, "the hand-off step must be a bash: step")

    # Pipeline variables as the agent knows them: the YAML's own, the secrets
    # a user defines (ANTHROPIC_API_KEY; OPENAI_API_KEY left undefined), and
    # predefined ones a comment might try to reach.
    variables = {name: str(value) for name, value in (pipeline.get("variables") or {}).items()}
    variables.update({"System.AccessToken": "ado-token-123", "ANTHROPIC_API_KEY": "sk-ant-test",
                      "Build.SourceBranch": "refs/heads/main"})

    def expanded_env(payload_value):
        env = {}
        for name, value in (step.get("env") or {}).items():
            value = str(value)
            if "${{" in value:
                value = payload_value(value)
            env[name] = emulate_macro_expansion(value, variables)
        return env

    # Negative control: the emulation is not vacuous. Without the replace(),
    # the agent's macro expansion pastes the token into the comment.
    plain = json.dumps(payload, indent=2, ensure_ascii=False)
    leaked = json.loads(emulate_macro_expansion(plain, variables))["resource"]["comment"]["content"]
    check("ado-token-123" in leaked and leaked != HOSTILE_COMMENT,
          "negative control: plain convertToJson should have been corrupted by macro expansion")
    print("ok: negative control: plain convertToJson would put System.AccessToken into the comment")

    bin_dir, record = write_stub(work)
    env = base_env(bin_dir, work)
    for name in ("agent-temp", "staging"):
        (work / name).mkdir()
    env.update({"AGENT_TEMPDIRECTORY": str(work / "agent-temp"),
                "BUILD_ARTIFACTSTAGINGDIRECTORY": str(work / "staging"), "TF_BUILD": "True"})
    env.update(expanded_env(lambda value: emulate_template_expansion(value, payload)))

    body = emulate_macro_expansion(step["bash"], variables)
    result = run_step(body, env, work, ["bash", "--noprofile", "--norc"])
    check(result.returncode == 0, f"the step failed ({result.returncode}):\n{result.stderr.decode()}")
    no_side_effects(work, result)

    argv = json.loads((record / "argv.json").read_text())
    event_path = str(work / "agent-temp" / "draftsmith-event.json")
    check(argv == ["run", "--host", "azure-devops", "--event", event_path,
                   "--report", str(work / "staging" / "draftsmith-report.json"), "--provider", "anthropic"],
          f"unexpected draftsmith command line: {argv}")
    event_bytes = (record / "event.json").read_bytes()
    received = decode_event(event_bytes)
    check_equal_bytes("the comment draftsmith reads", received["resource"]["comment"]["content"].encode(),
                      HOSTILE_COMMENT.encode())
    check(received == payload, "the event file does not decode to the service-hook payload")
    check((record / "event.mode").read_text() == "0o600", "the event file is readable by others")
    seen = json.loads((record / "env.json").read_text())
    check(seen.get("SYSTEM_ACCESSTOKEN") == "ado-token-123", "SYSTEM_ACCESSTOKEN did not reach draftsmith")
    check(seen.get("ANTHROPIC_API_KEY") == "sk-ant-test", "the defined secret did not reach draftsmith")
    check("OPENAI_API_KEY" not in seen, "an undefined secret reached draftsmith as the text "
          f"{seen.get('OPENAI_API_KEY')!r}")
    check("DRAFTSMITH_EVENT_JSON" not in seen, "the payload variable was left in draftsmith's environment")
    print(f"ok: azure: the comment ({len(HOSTILE_COMMENT.encode())} bytes) reached draftsmith byte for byte")


# --------------------------------------------------------------- GitHub ---

def emulate_github_expression(value, contexts):
    def replace(match):
        name = match.group(1).strip()
        check(name in contexts, f"an env: value uses ${{{{ {name} }}}}, which this test cannot emulate")
        return contexts[name]
    return re.sub(r"\$\{\{(.*?)\}\}", replace, value)


def github(source, work):
    action = yaml.safe_load((source / "pipelines" / "github-actions" / "action.yml").read_text())
    sample = source / "tests" / "specs" / "github" / "webhooks" / "issue_comment.created.on-pull-request.DERIVED.json"
    payload = json.loads(sample.read_text())
    payload["comment"]["body"] = HOSTILE_COMMENT

    steps = action["runs"]["steps"]
    for step in steps:
        check("${{" not in step.get("run", ""), f"step '{step.get('name')}' has ${{{{ }}}} inside run:")
    run = [s for s in steps if s.get("id") == "run"]
    check(len(run) == 1, "action.yml has no step with id: run")
    step = run[0]
    check(step.get("shell") == "bash", "the run step must use shell: bash")

    hostile_model = "model\"$(touch PWNED)'`touch PWNED`\n${{ secrets.X }}"
    inputs = {"provider": "anthropic", "model": hostile_model, "api-key": "sk-ant-$(touch PWNED)'\"",
              "max-variants": "3", "github-token": "ghs_token'$(touch PWNED)"}
    contexts = {f"inputs.{name}": value for name, value in inputs.items()}
    for name, spec in action.get("inputs", {}).items():
        contexts.setdefault(f"inputs.{name}", str((spec or {}).get("default", "")))

    bin_dir, record = write_stub(work)
    env = base_env(bin_dir, work)
    # The runner writes the webhook payload to a file and points
    # GITHUB_EVENT_PATH at it (json.dumps here; the runner's formatting differs).
    event = work / "runner-temp" / "_github_workflow" / "event.json"
    event.parent.mkdir(parents=True)
    event.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    output = work / "github-output"
    output.touch()
    env.update({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "issue_comment",
                "GITHUB_EVENT_PATH": str(event), "GITHUB_OUTPUT": str(output),
                "GITHUB_API_URL": "https://api.github.com", "GITHUB_REPOSITORY": "Codertocat/Hello-World",
                "RUNNER_TEMP": str(work / "runner-temp")})
    for name, value in (step.get("env") or {}).items():
        env[name] = emulate_github_expression(str(value), contexts)

    result = run_step(step["run"], env, work, ["bash", "--noprofile", "--norc", "-eo", "pipefail"])
    check(result.returncode == 0, f"the step failed ({result.returncode}):\n{result.stderr.decode()}")
    no_side_effects(work, result)

    argv = json.loads((record / "argv.json").read_text())
    check(argv == ["run", "--provider", "anthropic", "--model", hostile_model],
          f"unexpected draftsmith command line: {argv}")
    check_equal_bytes("the event file draftsmith reads", (record / "event.json").read_bytes(), event.read_bytes())
    received = decode_event((record / "event.json").read_bytes())
    check_equal_bytes("the comment draftsmith reads", received["comment"]["body"].encode(), HOSTILE_COMMENT.encode())
    seen = json.loads((record / "env.json").read_text())
    check_equal_bytes("ANTHROPIC_API_KEY", seen.get("ANTHROPIC_API_KEY", "").encode(), inputs["api-key"].encode())
    check_equal_bytes("GITHUB_TOKEN", seen.get("GITHUB_TOKEN", "").encode(), inputs["github-token"].encode())
    check(seen.get("DRAFTSMITH_MAX_VARIANTS") == "3", "max-variants did not reach draftsmith")
    check("INPUT_API_KEY" not in seen and "OPENAI_API_KEY" not in seen,
          "the key was left under another name in draftsmith's environment")
    check(output.read_text().startswith("pr-urls<<DRAFTSMITH_EOF\n"),
          "draftsmith's GITHUB_OUTPUT lines did not survive the step")
    check(action["outputs"]["pr-urls"]["value"] == "${{ steps.run.outputs.pr-urls }}",
          "the action's pr-urls output is not the run step's pr-urls")
    print(f"ok: github: the comment ({len(HOSTILE_COMMENT.encode())} bytes), model and keys "
          "reached draftsmith byte for byte")


def main(argv):
    if len(argv) != 3 or argv[1] not in ("azure", "github"):
        print("usage: handoff.py azure|github SOURCE_DIR")
        return 2
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"draftsmith-handoff-{argv[1]}-"))
    try:
        (azure if argv[1] == "azure" else github)(pathlib.Path(argv[2]), work)
    except Failure as failure:
        print(f"FAIL: {failure}\n(kept {work})")
        return 1
    except Exception:
        print(f"(kept {work})")
        raise
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
