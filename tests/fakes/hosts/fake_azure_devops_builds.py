"""Azure Pipelines builds for fake_azure_devops.py (issue 15).

Follows Build REST 7.1 (MicrosoftDocs/vsts-rest-api-specs
specification/build/7.1/build.json; learn.microsoft.com "Builds - List",
"Builds - Queue", "Definitions - List", "Timeline - Get", "Builds - Get Build
Logs", "Builds - Get Build Log"):
  GET  /{org}/{project}/_apis/build/builds?branchName=&queryOrder=&$top=   {count, value: [Build]}
  POST /{org}/{project}/_apis/build/builds        body Build {definition: {id}, sourceBranch}:
       a new build, status notStarted (200 with the Build); 400 for an unknown
       definition or a branch that does not exist
  GET  /{org}/{project}/_apis/build/definitions?name=   {count, value: [DefinitionReference]}
  GET  /{org}/{project}/_apis/build/builds/{id}/timeline    Timeline {records: [TimelineRecord]}
  GET  /{org}/{project}/_apis/build/builds/{id}/logs        {count, value: [BuildLog]} (lineCount)
  GET  /{org}/{project}/_apis/build/builds/{id}/logs/{log}?startLine=&endLine=   text/plain
Enums by name: BuildStatus (none, inProgress, completed, cancelling,
postponed, notStarted), BuildResult (none, succeeded, partiallySucceeded,
failed, canceled), TaskResult of records (succeeded, succeededWithIssues,
failed, canceled, skipped, abandoned), TimelineRecordState (pending,
inProgress, completed). startLine/endLine are 1-based and inclusive here.

State:
  definitions: [{"id": 12, "name": "ci"}]
  builds: [{"id", "definition_id", "sourceBranch", "sourceVersion", "status", "result",
            "jobs": [{"name", "result", "log": "text"}]}]   (later entries are newer)
"""

from fakecommon import Reply, Text, now_iso

BUILD_STATUSES = ("none", "inProgress", "completed", "cancelling", "postponed", "notStarted")


def routes(fake, helpers):
    """Route rows; helpers: check, error_body, listing, next_id."""
    state = fake.state
    check, error_body, listing = helpers["check"], helpers["error_body"], helpers["listing"]
    project = r"/(?P<org>[^/]+)/(?P<project>[^/]+)/_apis/build"

    def web(path):
        return "https://dev.azure.com/%s/%s/%s" % (state["organization"], state["project"], path)

    def definition(def_id):
        for d in state.get("definitions", []):
            if d["id"] == def_id:
                return d
        return None

    def definition_json(d):
        return {"id": d["id"], "name": d["name"], "path": "\\", "type": "build", "queueStatus": "enabled",
                "revision": 1, "url": web("_apis/build/Definitions/%d" % d["id"]),
                "project": {"name": state["project"]}}

    def build_json(b):
        d = definition(b["definition_id"]) or {"id": b["definition_id"], "name": "pipeline"}
        return {"id": b["id"], "buildNumber": "20261203.%d" % b["id"], "status": b.get("status", "notStarted"),
                "result": b.get("result"), "queueTime": b.get("queueTime"), "startTime": b.get("startTime"),
                "finishTime": b.get("finishTime"), "reason": b.get("reason", "manual"),
                "sourceBranch": b["sourceBranch"], "sourceVersion": b.get("sourceVersion"),
                "definition": definition_json(d), "priority": "normal",
                "url": web("_apis/build/Builds/%d" % b["id"]),
                "_links": {"self": {"href": web("_apis/build/Builds/%d" % b["id"])},
                           "web": {"href": web("_build/results?buildId=%d" % b["id"])},
                           "timeline": {"href": web("_apis/build/builds/%d/Timeline" % b["id"])}},
                "repository": {"id": state["repository_id"], "type": "TfsGit"}}

    def find_build(build_id):
        for b in state.get("builds", []):
            if b["id"] == build_id:
                return b
        raise Reply(404, error_body(404, "The requested build %d could not be found." % build_id,
                                    "BuildNotFoundException"))

    def list_builds(h, m, q, body):
        check(m, q)
        builds = list(reversed(state.get("builds", [])))  # newest first
        if q.get("branchName"):
            builds = [b for b in builds if b["sourceBranch"] == q["branchName"]]
        order = q.get("queryOrder", "queueTimeDescending")
        if order.endswith("Ascending"):
            builds.reverse()
        top = int(q.get("$top", "1000"))
        return 200, listing([build_json(b) for b in builds[:top]]), {}

    def queue_build(h, m, q, body):
        check(m, q)
        body = body or {}
        def_id = (body.get("definition") or {}).get("id")
        if not isinstance(def_id, int) or definition(def_id) is None:
            raise Reply(400, error_body(400, "Value cannot be null.\r\nParameter name: definition",
                                        "ArgumentNullException"))
        branch = body.get("sourceBranch") or "refs/heads/main"
        sha = fake.branch_sha(branch[len("refs/heads/"):]) if branch.startswith("refs/heads/") else None
        if sha is None:
            raise Reply(400, error_body(400, "Could not queue the build because there were validation errors or "
                                        "warnings. The branch %s does not exist." % branch, "BuildRequestValidationFailedException"))
        build = {"id": helpers["next_id"](), "definition_id": def_id, "sourceBranch": branch, "sourceVersion": sha,
                 "status": "notStarted", "result": None, "queueTime": now_iso(), "jobs": []}
        state.setdefault("builds", []).append(build)
        return 200, build_json(build), {}

    def list_definitions(h, m, q, body):
        check(m, q)
        items = [definition_json(d) for d in state.get("definitions", [])
                 if not q.get("name") or d["name"].lower() == q["name"].lower()]
        return 200, listing(items), {}

    def timeline(h, m, q, body):
        check(m, q)
        build = find_build(int(m["build"]))
        records = []
        for index, job in enumerate(build.get("jobs", []), start=1):
            records.append({"id": "0000000%d-0000-0000-0000-000000000000" % index, "parentId": None,
                            "type": "Job", "name": job["name"], "order": index,
                            "state": "completed" if job.get("result") else "inProgress",
                            "result": job.get("result"), "errorCount": 1 if job.get("result") == "failed" else 0,
                            "warningCount": 0, "attempt": 1, "identifier": job["name"],
                            "log": {"id": index, "type": "Container",
                                    "url": web("_apis/build/builds/%d/logs/%d" % (build["id"], index))}})
        return 200, {"records": records, "lastChangedOn": now_iso(), "id": "00000000-0000-0000-0000-0000000000aa",
                     "changeId": len(records), "url": web("_apis/build/builds/%d/Timeline" % build["id"])}, {}

    def logs(h, m, q, body):
        check(m, q)
        build = find_build(int(m["build"]))
        items = [{"id": i, "type": "Container", "lineCount": len(job.get("log", "").splitlines()),
                  "createdOn": build.get("queueTime"), "lastChangedOn": now_iso(),
                  "url": web("_apis/build/builds/%d/logs/%d" % (build["id"], i))}
                 for i, job in enumerate(build.get("jobs", []), start=1)]
        return 200, listing(items), {}

    def log(h, m, q, body):
        check(m, q)
        build = find_build(int(m["build"]))
        index = int(m["log"])
        if not 1 <= index <= len(build.get("jobs", [])):
            raise Reply(404, error_body(404, "Log %d of build %d not found." % (index, build["id"])))
        lines = build["jobs"][index - 1].get("log", "").splitlines(True)
        start = max(int(q.get("startLine", "1")), 1)
        end = int(q.get("endLine", str(len(lines))))
        return 200, Text("".join(lines[start - 1:end])), {}

    return [
        ("GET", project + r"/builds", list_builds, True),
        ("POST", project + r"/builds", queue_build, True),
        ("GET", project + r"/definitions", list_definitions, True),
        ("GET", project + r"/builds/(?P<build>\d+)/timeline", timeline, True),
        ("GET", project + r"/builds/(?P<build>\d+)/logs", logs, True),
        ("GET", project + r"/builds/(?P<build>\d+)/logs/(?P<log>\d+)", log, True),
    ]
