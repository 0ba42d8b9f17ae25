#!/usr/bin/env python3
"""A stateful fake of the GitHub REST API parts draftsmith uses.

Answers are built from the examples of GitHub's official OpenAPI description
(tests/specs/github/github-rest.trimmed.json), with the fake's state written
into them, so every field has the spec's shape. See fakecommon.py for the
control endpoints, fault injection and the port/log protocol.

State (seed with --state FILE or POST /__state):
  owner, repo                repository the fake serves (others: 404)
  users: {login: {"id", "type", "permission", "role_name"}}
  refs: {branch: sha}        known branches (a PR's head must be one when
                             "check_refs" is true)
  pulls, comments, reactions, statuses: lists the API fills
  check_runs, workflows, dispatches: see fake_github_checks.py
"""

import copy
import hashlib
import os

import fakecommon
import fake_github_checks  # issue 15: check runs, statuses, dispatch, job logs
from fakecommon import Reply, now_iso

TEMPLATES = {}


def template(name):
    if not TEMPLATES:
        spec = fakecommon.load_json(os.path.join(fakecommon.SPECS, "github", "github-rest.trimmed.json"))
        for key, value in spec["components"]["examples"].items():
            TEMPLATES[key] = value["value"]
    return copy.deepcopy(TEMPLATES[name])


def default_state():
    return {"owner": "octo-org", "repo": "app", "users": {}, "refs": {}, "check_refs": False,
            "pulls": [], "comments": [], "reactions": [], "statuses": [], "next_id": 1000,
            "issues": [], "default_branch": "main"}


def issue_template():
    """GitHub's issue object as the octokit webhook example carries it
    (issue_comment.created.payload.json's `issue`): the REST issues endpoint
    is not in the trimmed spec, and the webhook's issue is the same schema."""
    path = os.path.join(fakecommon.SPECS, "github", "webhooks", "issue_comment.created.payload.json")
    return copy.deepcopy(fakecommon.load_json(path)["issue"])


def error_body(status, message):
    messages = {401: "Bad credentials", 403: "Forbidden", 404: "Not Found",
                422: "Validation Failed", 429: "API rate limit exceeded", 500: "Server Error",
                502: "Bad Gateway", 503: "Service Unavailable"}
    return {"message": messages.get(status, message) if message == "injected fault" else message,
            "documentation_url": "https://docs.github.com/rest", "status": str(status)}


def rate_headers(handler):
    return {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999",
            "x-ratelimit-reset": "1700000000", "x-ratelimit-used": "1", "x-ratelimit-resource": "core",
            "X-GitHub-Media-Type": "github.v3; format=json"}


def authorize(fake, handler):
    token = fakecommon.bearer_or_basic_token(handler)
    if token is None or (fake.token and token != fake.token):
        return 401, error_body(401, "Bad credentials")
    return None


def main():
    fakecommon.serve("fake GitHub", default_state, routes, authorize, error_body, rate_headers)


def routes(fake):
    state = fake.state
    repo = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"

    def next_id():
        state["next_id"] += 1
        return state["next_id"]

    def check_repo(match):
        if match["owner"].lower() != state["owner"].lower() or match["repo"].lower() != state["repo"].lower():
            raise Reply(404, error_body(404, "Not Found"))

    def user_json(login):
        user = template("pull-request")["user"]
        info = state["users"].get(login, {})
        user.update({"login": login, "id": info.get("id", int(hashlib.sha1(login.encode()).hexdigest()[:6], 16)),
                     "type": info.get("type", "User"),
                     "html_url": "https://github.com/" + login,
                     "url": "https://api.github.com/users/" + login})
        return user

    def repo_json():
        r = template("pull-request")["base"]["repo"]
        full = "%s/%s" % (state["owner"], state["repo"])
        r.update({"name": state["repo"], "full_name": full, "owner": user_json(state["owner"]),
                  "html_url": "https://github.com/" + full})
        return r

    def pull_json(pr, base_url):
        out = template("pull-request")
        full = "%s/%s" % (state["owner"], state["repo"])
        out.update({
            "id": pr["id"], "number": pr["number"], "state": pr["state"], "title": pr["title"],
            "body": pr["body"], "draft": pr["draft"], "user": user_json(pr["user"]),
            "created_at": pr["created_at"], "updated_at": pr["updated_at"],
            "closed_at": pr.get("closed_at"), "merged_at": pr.get("merged_at"), "merged": bool(pr.get("merged_at")),
            "html_url": "https://github.com/%s/pull/%d" % (full, pr["number"]),
            "url": "%s/repos/%s/pulls/%d" % (base_url, full, pr["number"]),
        })
        for side in ("head", "base"):
            branch = out[side]
            sha = pr[side]["sha"]
            if fake.git_dir and pr["state"] == "open":
                # Like GitHub: an open pull request's head and base follow their branches.
                sha = fake.branch_sha(pr[side]["ref"]) or sha
            branch.update({"ref": pr[side]["ref"], "sha": sha,
                           "label": "%s:%s" % (state["owner"], pr[side]["ref"]),
                           "user": user_json(state["owner"]), "repo": repo_json()})
        fork = pr["head"].get("repo_full_name")
        if fork and fork != full:
            out["head"]["repo"]["full_name"] = fork
            out["head"]["label"] = fork.split("/")[0] + ":" + pr["head"]["ref"]
        return out

    def comment_json(c, base_url):
        out = template("issue-comment")
        full = "%s/%s" % (state["owner"], state["repo"])
        out.update({"id": c["id"], "body": c["body"], "user": user_json(c["user"]),
                    "created_at": c["created_at"], "updated_at": c["updated_at"],
                    "html_url": "https://github.com/%s/pull/%d#issuecomment-%d" % (full, c["issue_number"], c["id"]),
                    "issue_url": "%s/repos/%s/issues/%d" % (base_url, full, c["issue_number"]),
                    "url": "%s/repos/%s/issues/comments/%d" % (base_url, full, c["id"])})
        return out

    def token_user():
        return state.get("token_user", "github-actions[bot]")

    def sha_of(branch):
        return fake.branch_sha(branch)

    def paginate(handler, query, items):
        try:
            per_page = min(max(int(query.get("per_page", 30)), 1), 100)
            page = max(int(query.get("page", 1)), 1)
        except ValueError:
            raise Reply(422, error_body(422, "Invalid per_page or page"))
        start = (page - 1) * per_page
        headers = {}
        last = max(1, (len(items) + per_page - 1) // per_page)
        if page < last:
            import urllib.parse
            path = handler.path.split("?")[0]
            def link(p):
                q = dict(query, page=str(p), per_page=str(per_page))
                return "<%s%s?%s>" % (handler.base_url(), path, urllib.parse.urlencode(q))
            headers["Link"] = '%s; rel="next", %s; rel="last"' % (link(page + 1), link(last))
        return items[start:start + per_page], headers

    def find_pull(number):
        for pr in state["pulls"]:
            if pr["number"] == number:
                return pr
        raise Reply(404, error_body(404, "Not Found"))

    def find_comment(comment_id):
        for c in state["comments"]:
            if c["id"] == comment_id:
                return c
        raise Reply(404, error_body(404, "Not Found"))

    def find_issue(number):
        for issue in state["issues"]:
            if issue["number"] == number:
                return issue
        return None

    def get_issue(h, m, q, body):
        # Issue 15. GitHub's issues endpoint answers for pull requests too,
        # with a pull_request key; anything else is 404.
        check_repo(m)
        number = int(m["number"])
        issue = find_issue(number)
        full = "%s/%s" % (state["owner"], state["repo"])
        out = issue_template()
        out.pop("pull_request", None)
        if issue is None:
            pr = find_pull(number)
            issue = {"id": pr["id"], "number": number, "title": pr["title"], "body": pr["body"],
                     "user": pr["user"], "state": pr["state"]}
            out["pull_request"] = {"url": "%s/repos/%s/pulls/%d" % (h.base_url(), full, number),
                                   "html_url": "https://github.com/%s/pull/%d" % (full, number)}
        out.update({"id": issue.get("id", number), "number": number, "title": issue.get("title", ""),
                    "body": issue.get("body"), "user": user_json(issue.get("user", "alice")),
                    "state": issue.get("state", "open"),
                    "html_url": "https://github.com/%s/issues/%d" % (full, number),
                    "url": "%s/repos/%s/issues/%d" % (h.base_url(), full, number)})
        return 200, out, {}

    def get_repo(h, m, q, body):
        # Issue 15: the default branch a request from an issue targets.
        check_repo(m)
        out = template("full-repository-default-response")
        out.update(repo_json())
        out["default_branch"] = state.get("default_branch", "main")
        return 200, out, {}

    def get_pull(h, m, q, body):
        check_repo(m)
        return 200, pull_json(find_pull(int(m["number"])), h.base_url()), {}

    def list_pulls(h, m, q, body):
        check_repo(m)
        wanted_state = q.get("state", "open")
        if wanted_state not in ("open", "closed", "all"):
            raise Reply(422, error_body(422, "Validation Failed"))
        items = []
        for pr in state["pulls"]:
            if wanted_state != "all" and pr["state"] != wanted_state:
                continue
            if "head" in q:
                owner, _, branch = q["head"].partition(":")
                fork_owner = (pr["head"].get("repo_full_name") or state["owner"]).split("/")[0]
                if owner.lower() != fork_owner.lower() or branch != pr["head"]["ref"]:
                    continue
            if "base" in q and q["base"] != pr["base"]["ref"]:
                continue
            items.append(pull_json(pr, h.base_url()))
        page, headers = paginate(h, q, items)
        return 200, page, headers

    def create_pull(h, m, q, body):
        check_repo(m)
        body = body or {}
        errors = [{"resource": "PullRequest", "field": f, "code": "missing_field"}
                  for f in ("head", "base") if not isinstance(body.get(f), str) or not body.get(f)]
        if not body.get("title") and not body.get("issue"):
            errors.append({"resource": "PullRequest", "field": "title", "code": "missing_field"})
        if "draft" in body and not isinstance(body["draft"], bool):
            errors.append({"resource": "PullRequest", "field": "draft", "code": "invalid"})
        if errors:
            raise Reply(422, dict(error_body(422, "Validation Failed"), errors=errors))
        for side in ("head", "base"):
            if sha_of(body[side]) is None:
                raise Reply(422, dict(error_body(422, "Validation Failed"),
                                      errors=[{"resource": "PullRequest", "field": side, "code": "invalid"}]))
        for pr in state["pulls"]:
            if pr["state"] == "open" and pr["head"]["ref"] == body["head"] and pr["base"]["ref"] == body["base"]:
                raise Reply(422, dict(error_body(422, "Validation Failed"), errors=[{
                    "resource": "PullRequest", "code": "custom",
                    "message": "A pull request already exists for %s:%s." % (state["owner"], body["head"])}]))
        stamp = now_iso()
        number = max([p["number"] for p in state["pulls"]] + [state.get("first_number", 1) - 1]) + 1
        pr = {"id": next_id(), "number": number, "state": "open", "title": body.get("title", ""),
              "body": body.get("body"), "draft": body.get("draft", False), "user": token_user(),
              "created_at": stamp, "updated_at": stamp,
              "head": {"ref": body["head"], "sha": sha_of(body["head"])},
              "follows_branch": True,
              "base": {"ref": body["base"], "sha": sha_of(body["base"])}}
        state["pulls"].append(pr)
        return 201, pull_json(pr, h.base_url()), {"Location": "%s/repos/%s/%s/pulls/%d" % (
            h.base_url(), state["owner"], state["repo"], number)}

    def update_pull(h, m, q, body):
        check_repo(m)
        pr = find_pull(int(m["number"]))
        body = body or {}
        if "state" in body and body["state"] not in ("open", "closed"):
            raise Reply(422, error_body(422, "Validation Failed"))
        for field in ("title", "body"):
            if field in body:
                if not isinstance(body[field], str):
                    raise Reply(422, error_body(422, "Validation Failed"))
                pr[field] = body[field]
        if body.get("state") == "open" and pr["state"] == "closed":
            if pr.get("merged_at"):
                raise Reply(422, error_body(422, "Validation Failed"))
            pr["state"], pr["closed_at"] = "open", None
        elif body.get("state") == "closed" and pr["state"] == "open":
            pr["state"], pr["closed_at"] = "closed", now_iso()
        pr["updated_at"] = now_iso()
        return 200, pull_json(pr, h.base_url()), {}

    def list_comments(h, m, q, body):
        check_repo(m)
        number = int(m["number"])
        items = [comment_json(c, h.base_url()) for c in state["comments"] if c["issue_number"] == number]
        page, headers = paginate(h, q, items)
        return 200, page, headers

    def create_comment(h, m, q, body):
        check_repo(m)
        if not isinstance((body or {}).get("body"), str):
            raise Reply(422, dict(error_body(422, "Validation Failed"),
                                  errors=[{"resource": "IssueComment", "field": "body", "code": "missing_field"}]))
        number = int(m["number"])
        if find_issue(number) is None:  # issue 15: comments on issues too
            find_pull(number)
        stamp = now_iso()
        c = {"id": next_id(), "issue_number": number, "body": body["body"], "user": token_user(),
             "created_at": stamp, "updated_at": stamp}
        state["comments"].append(c)
        return 201, comment_json(c, h.base_url()), {}

    def get_comment(h, m, q, body):
        check_repo(m)
        return 200, comment_json(find_comment(int(m["id"])), h.base_url()), {}

    def update_comment(h, m, q, body):
        check_repo(m)
        if not isinstance((body or {}).get("body"), str):
            raise Reply(422, error_body(422, "Validation Failed"))
        c = find_comment(int(m["id"]))
        c["body"] = body["body"]
        c["updated_at"] = now_iso()
        return 200, comment_json(c, h.base_url()), {}

    def react(h, m, q, body):
        check_repo(m)
        content = (body or {}).get("content")
        if content not in ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"):
            raise Reply(422, error_body(422, "Validation Failed"))
        comment_id = int(m["id"])
        find_comment(comment_id)
        out = template("reaction")
        for r in state["reactions"]:
            if r["comment_id"] == comment_id and r["content"] == content and r["user"] == token_user():
                out.update({"id": r["id"], "content": content, "user": user_json(token_user())})
                return 200, out, {}
        r = {"id": next_id(), "comment_id": comment_id, "content": content, "user": token_user(),
             "created_at": now_iso()}
        state["reactions"].append(r)
        out.update({"id": r["id"], "content": content, "user": user_json(token_user()),
                    "created_at": r["created_at"]})
        return 201, out, {}

    def create_status(h, m, q, body):
        check_repo(m)
        body = body or {}
        if body.get("state") not in ("error", "failure", "pending", "success"):
            raise Reply(422, dict(error_body(422, "Validation Failed"),
                                  errors=[{"resource": "Status", "field": "state", "code": "custom"}]))
        stamp = now_iso()
        s = {"id": next_id(), "sha": m["sha"], "state": body["state"],
             "description": body.get("description"), "target_url": body.get("target_url"),
             "context": body.get("context", "default"), "created_at": stamp, "updated_at": stamp,
             "creator": token_user()}
        state["statuses"].append(s)
        out = template("status")
        out.update({k: s[k] for k in ("id", "state", "description", "target_url", "context",
                                      "created_at", "updated_at")})
        out["creator"] = user_json(token_user())
        return 201, out, {}

    def permission(h, m, q, body):
        check_repo(m)
        login = m["user"]
        info = state["users"].get(login)
        if info is None:
            raise Reply(404, error_body(404, "Not Found"))
        collaborator = user_json(login)
        collaborator["permissions"] = {
            "admin": info.get("permission") == "admin", "maintain": info.get("role_name") == "maintain",
            "push": info.get("permission") in ("admin", "write"), "triage": True, "pull": True}
        collaborator["role_name"] = info.get("role_name", info.get("permission", "read"))
        return 200, {"permission": info.get("permission", "read"),
                     "role_name": info.get("role_name", info.get("permission", "read")),
                     "user": collaborator}, {}

    checks = fake_github_checks.routes(fake, repo, {
        "check_repo": check_repo, "error_body": error_body, "paginate": paginate, "sha_of": sha_of,
        "template": template, "next_id": next_id})
    return checks + [
        ("GET", repo + r"/issues/(?P<number>\d+)", get_issue, False),
        ("GET", repo + r"/?", get_repo, False),
        ("GET", repo + r"/pulls/(?P<number>\d+)", get_pull, False),
        ("GET", repo + r"/pulls", list_pulls, False),
        ("POST", repo + r"/pulls", create_pull, False),
        ("PATCH", repo + r"/pulls/(?P<number>\d+)", update_pull, False),
        ("GET", repo + r"/issues/(?P<number>\d+)/comments", list_comments, False),
        ("POST", repo + r"/issues/(?P<number>\d+)/comments", create_comment, False),
        ("GET", repo + r"/issues/comments/(?P<id>\d+)", get_comment, False),
        ("PATCH", repo + r"/issues/comments/(?P<id>\d+)", update_comment, False),
        ("POST", repo + r"/issues/comments/(?P<id>\d+)/reactions", react, False),
        ("POST", repo + r"/statuses/(?P<sha>[0-9a-fA-F]+)", create_status, False),
        ("GET", repo + r"/collaborators/(?P<user>[^/]+)/permission", permission, False),
    ]


if __name__ == "__main__":
    main()
