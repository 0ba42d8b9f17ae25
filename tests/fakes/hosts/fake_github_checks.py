"""GitHub Actions and checks for fake_github.py (issue 15).

Follows docs.github.com/rest (API version 2022-11-28) and the check-run and
combined-commit-status examples of the trimmed OpenAPI description:
  GET  /repos/{o}/{r}/commits/{ref}/check-runs     "List check runs for a Git reference":
       {"total_count", "check_runs": [...]}, per_page <= 100, Link pages;
       filter=latest (default) keeps the newest run per name
  GET  /repos/{o}/{r}/commits/{ref}/status          "Get the combined status for a specific
       reference": the newest status per context; state failure if any is
       error/failure, pending if any is pending or there are none, else success
  POST /repos/{o}/{r}/actions/workflows/{id}/dispatches  "Create a workflow dispatch event":
       {"ref", "inputs"?}; 204; 404 unknown workflow; 422 when the workflow has no
       workflow_dispatch trigger or the ref does not exist
  GET  /repos/{o}/{r}/actions/jobs/{job_id}/logs    "Download job logs for a workflow run":
       302 with Location: a URL that works without the token for a minute (here
       /__blob/..., served by fakecommon with its signature)

State:
  check_runs: [{"id", "head_sha", "name", "status", "conclusion", "log"?}]
  workflows: {"ci.yml": {"dispatch": true, "jobs": ["build", "test"]}}
     a dispatch adds one queued check run per job on the ref's head commit
  dispatches: [{"workflow", "ref", "inputs"}]  (what was dispatched)
  statuses: the commit statuses fake_github.py's POST /statuses fills
"""

import hashlib

import fakecommon
from fakecommon import Reply, now_iso


def routes(fake, repo, helpers):
    """The route rows; helpers: check_repo, error_body, paginate, sha_of, template, next_id."""
    state = fake.state
    check_repo, error_body = helpers["check_repo"], helpers["error_body"]

    def full_name():
        return "%s/%s" % (state["owner"], state["repo"])

    def sha_for(ref):
        if len(ref) == 40 and all(c in "0123456789abcdefABCDEF" for c in ref):
            return ref.lower()
        return helpers["sha_of"](ref)

    def check_run_json(run, base_url):
        out = helpers["template"]("check-run")
        out.update({"id": run["id"], "head_sha": run["head_sha"], "name": run["name"],
                    "status": run.get("status", "queued"), "conclusion": run.get("conclusion"),
                    "started_at": run.get("started_at"), "completed_at": run.get("completed_at"),
                    "url": "%s/repos/%s/check-runs/%d" % (base_url, full_name(), run["id"]),
                    "html_url": "https://github.com/%s/actions/runs/%d/job/%d" % (
                        full_name(), run.get("run_id", run["id"]), run["id"]),
                    "details_url": "https://github.com/%s/actions/runs/%d/job/%d" % (
                        full_name(), run.get("run_id", run["id"]), run["id"])})
        return out

    def list_check_runs(h, m, q, body):
        check_repo(m)
        sha = sha_for(m["ref"])
        runs = [r for r in state.get("check_runs", []) if r["head_sha"] == sha]
        if q.get("filter", "latest") == "latest":
            newest = {}
            for r in runs:  # later entries are newer
                newest[r["name"]] = r
            runs = [r for r in runs if newest[r["name"]] is r]
        items = [check_run_json(r, h.base_url()) for r in runs]
        page, headers = helpers["paginate"](h, q, items)
        return 200, {"total_count": len(items), "check_runs": page}, headers

    def combined_status(h, m, q, body):
        check_repo(m)
        sha = sha_for(m["ref"])
        newest = {}
        for s in state.get("statuses", []):
            if s["sha"].lower() == sha:
                newest[s["context"]] = s
        statuses = []
        for s in newest.values():
            item = helpers["template"]("status")
            item.update({k: s[k] for k in ("id", "state", "description", "target_url", "context",
                                           "created_at", "updated_at")})
            statuses.append(item)
        states = [s["state"] for s in statuses]
        combined = ("failure" if any(x in ("error", "failure") for x in states)
                    else "pending" if not states or "pending" in states else "success")
        out = helpers["template"]("combined-commit-status")
        out.update({"state": combined, "statuses": statuses, "sha": sha, "total_count": len(statuses),
                    "commit_url": "%s/repos/%s/commits/%s" % (h.base_url(), full_name(), sha),
                    "url": "%s/repos/%s/commits/%s/status" % (h.base_url(), full_name(), sha)})
        return 200, out, {}

    def dispatch(h, m, q, body):
        check_repo(m)
        workflow = state.get("workflows", {}).get(m["workflow"])
        if workflow is None:
            raise Reply(404, error_body(404, "Not Found"))
        body = body or {}
        if not isinstance(body.get("ref"), str) or not body["ref"]:
            raise Reply(422, dict(error_body(422, "Invalid request.\n\n\"ref\" wasn't supplied.")))
        if not workflow.get("dispatch", True):
            raise Reply(422, error_body(422, "Workflow does not have 'workflow_dispatch' trigger"))
        sha = helpers["sha_of"](body["ref"])
        if sha is None:
            raise Reply(422, error_body(422, "No ref found for: %s" % body["ref"]))
        state.setdefault("dispatches", []).append(
            {"workflow": m["workflow"], "ref": body["ref"], "inputs": body.get("inputs")})
        run_id = helpers["next_id"]()
        for job in workflow.get("jobs", []):
            state.setdefault("check_runs", []).append(
                {"id": helpers["next_id"](), "run_id": run_id, "head_sha": sha, "name": job,
                 "status": "queued", "conclusion": None, "started_at": now_iso()})
        return 204, None, {}

    def job_logs(h, m, q, body):
        check_repo(m)
        job_id = int(m["job"])
        for run in state.get("check_runs", []):
            if run["id"] == job_id and run.get("log") is not None:
                path = "/__blob/actions-logs/%d/job.txt" % job_id
                sig = hashlib.sha1(("%d%s" % (job_id, now_iso())).encode()).hexdigest()[:16]
                state.setdefault("blobs", {})[path] = {"sig": sig, "text": run["log"]}
                return 302, None, {"Location": "%s%s?sig=%s" % (h.base_url(), path, sig)}
        raise Reply(404, error_body(404, "Not Found"))

    return [
        ("GET", repo + r"/commits/(?P<ref>[^/]+)/check-runs", list_check_runs, False),
        ("GET", repo + r"/commits/(?P<ref>[^/]+)/status", combined_status, False),
        ("POST", repo + r"/actions/workflows/(?P<workflow>[^/]+)/dispatches", dispatch, False),
        ("GET", repo + r"/actions/jobs/(?P<job>\d+)/logs", job_logs, False),
    ]
