#!/usr/bin/env python3
"""A stateful fake of the Azure DevOps REST 7.1 parts draftsmith uses.

Answers are built from Microsoft's official httpExamples
(tests/specs/ado/7.1/httpExamples) with the fake's state written into them.
Like the real service, paths are case-insensitive, lists are
{"count": n, "value": [...]}, an api-version is required; unlike it, enum
values sent as numbers are refused (draftsmith must send names). See
fakecommon.py for the control endpoints, fault injection and the port/log
protocol.

State (seed with --state FILE or POST /__state):
  organization, project, repository (name), repository_id
  identities: [{"id", "descriptor", "uniqueName", "displayName", "isGroup",
                "name" (groups: "[Project]\\Group"), "memberOf": [descriptor]}]
  token_identity: id of the identity the token belongs to (author of what the API creates)
  refs: {branch: sha}
  pulls, threads, statuses: lists the API fills
  definitions, builds: see fake_azure_devops_builds.py
"""

import copy
import os

import fakecommon
import fake_azure_devops_builds  # issue 15: builds, definitions, timeline, logs
from fakecommon import Reply, now_iso

EXAMPLES = {
    "pull": "pullRequests/GET__git_repositories__repositoryId__pullRequests__pullRequestId_.json",
    "thread": "pullRequestThreads/POST__git_repositories__repositoryId__pullRequests__pullRequestId__threads.json",
    "comment": "pullRequestThreadComments/POST__git_repositories__repositoryId__pullRequests__pullRequestId__threads__threadId__comments.json",
    "status": "pullRequestStatuses/POST_git_pullRequestStatuses_status.json",
}
TEMPLATES = {}

THREAD_STATUSES = ("unknown", "active", "fixed", "wontFix", "closed", "byDesign", "pending")
COMMENT_TYPES = ("unknown", "text", "codeChange", "system")
STATUS_STATES = ("notSet", "pending", "succeeded", "failed", "error", "notApplicable")
PR_STATUSES = ("notSet", "active", "abandoned", "completed", "all")


LISTED_DESCRIPTION_LIMIT = 400  # list responses cut descriptions (REST reference)


def template(name):
    if name not in TEMPLATES:
        data = fakecommon.load_json(os.path.join(fakecommon.SPECS, "ado", "7.1", "httpExamples", EXAMPLES[name]))
        TEMPLATES[name] = data["responses"]["200"]["body"]
    return copy.deepcopy(TEMPLATES[name])


def default_state():
    return {"organization": "fabrikam", "project": "Fabrikam", "repository": "app",
            "repository_id": "3411ebc1-d5aa-464f-9615-0b527bc66719",
            "identities": [{"id": "00000000-0000-0000-0000-00000000b0b0", "descriptor": "Microsoft.TeamFoundation.ServiceIdentity;build",
                            "uniqueName": "Build\\00000000-0000-0000-0000-00000000b0b0",
                            "displayName": "Fabrikam Build Service (fabrikam)", "memberOf": []}],
            "token_identity": "00000000-0000-0000-0000-00000000b0b0",
            "refs": {}, "check_refs": False, "pulls": [], "threads": [], "statuses": [], "next_id": 100}


def error_body(status, message, type_key="InvalidArgumentValueException"):
    if message == "injected fault":
        message = {401: "TF400813: The user is not authorized to access this resource.",
                   403: "TF401027: You need the Git 'PullRequestContribute' permission to perform this action.",
                   404: "TF401180: The requested pull request was not found.",
                   429: "Request was blocked due to exceeding usage of resource 'Count' in namespace 'User'."}.get(status, message)
    return {"$id": "1", "innerException": None, "message": message,
            "typeName": "Microsoft.TeamFoundation.SourceControl.WebServer.%s, Microsoft.TeamFoundation.SourceControl.WebServer" % type_key,
            "typeKey": type_key, "errorCode": 0, "eventId": 3000}


def extra_headers(handler):
    return {"X-RateLimit-Resource": "ATCPU", "X-RateLimit-Delay": "0", "X-RateLimit-Limit": "200",
            "X-RateLimit-Remaining": "199", "X-RateLimit-Reset": "1700000000"}


def authorize(fake, handler):
    token = fakecommon.bearer_or_basic_token(handler)
    if token is None or (fake.token and token != fake.token):
        return 401, error_body(401, "TF400813: The user is not authorized to access this resource.",
                               "UnauthorizedRequestException")
    return None


def main():
    fakecommon.serve("fake Azure DevOps", default_state, routes, authorize, error_body, extra_headers)


def routes(fake):
    state = fake.state
    repo = r"/(?P<org>[^/]+)/(?P<project>[^/]+)/_apis/git/repositories/(?P<repo>[^/]+)"
    pr_path = repo + r"/pullrequests/(?P<pr>\d+)"

    def next_id():
        state["next_id"] += 1
        return state["next_id"]

    def check(match, query):
        version = query.get("api-version", "")
        if not version:
            raise Reply(400, error_body(400, "No api-version was supplied for the \"%s\" request. The version must be "
                                        "supplied either as part of the Accept header (e.g. \"application/json; "
                                        "api-version=1.0\") or as a query parameter (e.g. '?api-version=1.0')." % "GET",
                                        "VssVersionNotSpecifiedException"))
        if not version.startswith("7.1"):
            raise Reply(400, error_body(400, "The requested REST API version of %s is not supported by this fake." % version,
                                        "VssVersionOutOfRangeException"))
        if "org" in match.groupdict() and match["org"].lower() != state["organization"].lower():
            raise Reply(404, error_body(404, "Organization not found."))
        if "project" in match.groupdict() and match["project"].lower() != state["project"].lower():
            raise Reply(404, error_body(404, "TF200016: The following project does not exist: %s." % match["project"],
                                        "ProjectDoesNotExistWithNameException"))
        if "repo" in match.groupdict() and match["repo"].lower() not in (state["repository"].lower(), state["repository_id"].lower()):
            raise Reply(404, error_body(404, "TF401019: The Git repository with name or identifier %s does not exist "
                                        "or you do not have permissions for the operation you are attempting." % match["repo"],
                                        "GitRepositoryNotFoundException"))

    def enum_name(value, allowed, field):
        if not isinstance(value, str):
            raise Reply(400, error_body(400, "%s must be sent as one of %s by name; got %r (this fake refuses numeric enums)"
                                        % (field, ", ".join(allowed), value)))
        for name in allowed:
            if name.lower() == value.lower():
                return name
        raise Reply(400, error_body(400, "Invalid value %r for %s." % (value, field)))

    def identity(identity_id):
        for i in state["identities"]:
            if i["id"].lower() == (identity_id or "").lower():
                return i
        return {"id": identity_id or "", "displayName": identity_id or "", "uniqueName": identity_id or ""}

    def identity_ref(identity_id):
        i = identity(identity_id)
        base = "https://dev.azure.com/%s" % state["organization"]
        return {"id": i["id"], "displayName": i.get("displayName", ""), "uniqueName": i.get("uniqueName", ""),
                "url": "%s/_apis/Identities/%s" % (base, i["id"]),
                "imageUrl": "%s/_api/_common/identityImage?id=%s" % (base, i["id"])}

    def sha_of(branch):
        return fake.branch_sha(branch)

    def repo_json(h):
        out = template("pull")["repository"]
        out.update({"id": state["repository_id"], "name": state["repository"],
                    "url": "%s/%s/%s/_apis/git/repositories/%s" % (h.base_url(), state["organization"], state["project"], state["repository_id"]),
                    "remoteUrl": "%s/%s/%s/_git/%s" % (h.base_url(), state["organization"], state["project"], state["repository"])})
        out["project"]["name"] = state["project"]
        return out

    def pull_json(h, pr):
        out = template("pull")
        api = "%s/%s/%s/_apis/git/repositories/%s" % (h.base_url(), state["organization"], state["project"], state["repository_id"])
        out.update({"repository": repo_json(h), "pullRequestId": pr["pullRequestId"], "codeReviewId": pr["pullRequestId"],
                    "status": pr["status"], "createdBy": identity_ref(pr["createdBy"]), "creationDate": pr["creationDate"],
                    "title": pr["title"], "description": pr.get("description", ""), "sourceRefName": pr["sourceRefName"],
                    "targetRefName": pr["targetRefName"], "isDraft": pr.get("isDraft", False),
                    "lastMergeSourceCommit": {"commitId": pr["sourceSha"], "url": "%s/commits/%s" % (api, pr["sourceSha"])},
                    "lastMergeTargetCommit": {"commitId": pr["targetSha"], "url": "%s/commits/%s" % (api, pr["targetSha"])},
                    "reviewers": [], "url": "%s/pullRequests/%d" % (api, pr["pullRequestId"])})
        out.pop("lastMergeCommit", None)
        out["_links"] = {"self": {"href": out["url"]}, "repository": {"href": api}}
        out["artifactId"] = "vstfs:///Git/PullRequestId/%s%%2f%s%%2f%d" % (out["repository"]["project"]["id"], state["repository_id"], pr["pullRequestId"])
        if pr.get("forkSource"):
            out["forkSource"] = pr["forkSource"]
        return out

    def comment_json(c):
        out = template("comment")
        out.update({"id": c["id"], "parentCommentId": c["parentCommentId"], "author": identity_ref(c["author"]),
                    "content": c["content"], "publishedDate": c["publishedDate"], "lastUpdatedDate": c["lastUpdatedDate"],
                    "lastContentUpdatedDate": c["lastContentUpdatedDate"], "commentType": c["commentType"],
                    "isDeleted": c.get("isDeleted", False), "usersLiked": []})
        return out

    def thread_json(t):
        out = template("thread")
        out.update({"id": t["id"], "publishedDate": t["publishedDate"], "lastUpdatedDate": t["lastUpdatedDate"],
                    "comments": [comment_json(c) for c in t["comments"]], "status": t["status"],
                    "threadContext": None, "pullRequestThreadContext": None, "properties": {}, "isDeleted": False})
        out.pop("_links", None)
        return out

    def find_pull(number):
        for pr in state["pulls"]:
            if pr["pullRequestId"] == number:
                return pr
        raise Reply(404, error_body(404, "TF401180: The requested pull request was not found.", "GitPullRequestNotFoundException"))

    def find_thread(pr, thread_id):
        for t in state["threads"]:
            if t["pr"] == pr and t["id"] == thread_id:
                return t
        raise Reply(404, error_body(404, "TF401181: The pull request thread with ID %d was not found." % thread_id,
                                    "GitPullRequestCommentThreadNotFoundException"))

    def find_comment(thread, comment_id):
        for c in thread["comments"]:
            if c["id"] == comment_id:
                return c
        raise Reply(404, error_body(404, "TF401180: The requested pull request comment was not found.",
                                    "GitPullRequestCommentNotFoundException"))

    def listing(items):
        return {"count": len(items), "value": items}

    def get_pull(h, m, q, body):
        check(m, q)
        return 200, pull_json(h, find_pull(int(m["pr"]))), {}

    def list_pulls(h, m, q, body):
        check(m, q)
        wanted = enum_name(q.get("searchCriteria.status", "active"), PR_STATUSES, "searchCriteria.status")
        items = []
        for pr in sorted(state["pulls"], key=lambda p: -p["pullRequestId"]):
            if wanted not in ("all", "notSet") and pr["status"] != wanted:
                continue
            source = q.get("searchCriteria.sourceRefName")
            if source and source != pr["sourceRefName"]:
                continue
            target = q.get("searchCriteria.targetRefName")
            if target and target != pr["targetRefName"]:
                continue
            item = pull_json(h, pr)
            # "Please note that description field will be truncated up to 400
            # symbols in the result" (Pull Requests - Get Pull Requests, 7.1).
            item["description"] = item["description"][:LISTED_DESCRIPTION_LIMIT]
            items.append(item)
        try:
            skip = int(q.get("$skip", 0))
            top = int(q.get("$top", 101))
        except ValueError:
            raise Reply(400, error_body(400, "Invalid $top or $skip."))
        return 200, listing(items[skip:skip + top]), {}

    def create_pull(h, m, q, body):
        check(m, q)
        body = body or {}
        for field in ("sourceRefName", "targetRefName"):
            if not isinstance(body.get(field), str) or not body[field].startswith("refs/"):
                raise Reply(400, error_body(400, "Value cannot be null or is not a full ref name.\r\nParameter name: %s" % field,
                                            "ArgumentNullException"))
        if not body.get("title"):
            raise Reply(400, error_body(400, "The pull request title is required."))
        if len(body.get("description") or "") > 4000:
            raise Reply(400, error_body(400, "The pull request description is too long (maximum 4000 characters)."))
        if "isDraft" in body and not isinstance(body["isDraft"], bool):
            raise Reply(400, error_body(400, "isDraft must be a boolean."))
        source = body["sourceRefName"][len("refs/heads/"):]
        target = body["targetRefName"][len("refs/heads/"):]
        for branch in (source, target):
            if sha_of(branch) is None:
                raise Reply(400, error_body(400, "TF401398: The pull request cannot be activated because the source "
                                            "and/or the target branch no longer exists, or the requested refs are not branches",
                                            "GitPullRequestCannotBeActivated"))
        for pr in state["pulls"]:
            if pr["status"] == "active" and pr["sourceRefName"] == body["sourceRefName"] and pr["targetRefName"] == body["targetRefName"]:
                raise Reply(409, error_body(409, "TF401179: An active pull request for the source and target branch already exists.",
                                            "GitPullRequestExistsException"))
        pr = {"pullRequestId": max([p["pullRequestId"] for p in state["pulls"]] + [state.get("first_number", 1) - 1]) + 1,
              "status": "active", "title": body["title"], "description": body.get("description", ""),
              "sourceRefName": body["sourceRefName"], "targetRefName": body["targetRefName"],
              "isDraft": body.get("isDraft", False), "createdBy": state["token_identity"], "creationDate": now_iso(),
              "sourceSha": sha_of(source), "targetSha": sha_of(target)}
        state["pulls"].append(pr)
        return 201, pull_json(h, pr), {}

    def update_pull(h, m, q, body):
        check(m, q)
        pr = find_pull(int(m["pr"]))
        body = body or {}
        if "status" in body:
            status = enum_name(body["status"], PR_STATUSES, "status")
            if status not in ("active", "abandoned", "completed"):
                raise Reply(400, error_body(400, "Invalid status %r for an update." % status))
            pr["status"] = status
        for field in ("title", "description"):
            if field in body:
                if not isinstance(body[field], str):
                    raise Reply(400, error_body(400, "%s must be a string." % field))
                if field == "description" and len(body[field]) > 4000:
                    raise Reply(400, error_body(400, "The pull request description is too long (maximum 4000 characters)."))
                pr[field] = body[field]
        if "isDraft" in body:
            pr["isDraft"] = bool(body["isDraft"])
        return 200, pull_json(h, pr), {}

    def new_comment(body, parent):
        stamp = now_iso()
        content = body.get("content")
        if not isinstance(content, str):
            raise Reply(400, error_body(400, "The comment content is required."))
        return {"parentCommentId": parent, "author": state["token_identity"], "content": content,
                "publishedDate": stamp, "lastUpdatedDate": stamp, "lastContentUpdatedDate": stamp,
                "commentType": enum_name(body.get("commentType", "text"), COMMENT_TYPES, "commentType")}

    def list_threads(h, m, q, body):
        check(m, q)
        number = int(m["pr"])
        find_pull(number)
        return 200, listing([thread_json(t) for t in state["threads"] if t["pr"] == number]), {}

    def create_thread(h, m, q, body):
        check(m, q)
        number = int(m["pr"])
        find_pull(number)
        body = body or {}
        comments = body.get("comments")
        if not isinstance(comments, list) or not comments:
            raise Reply(400, error_body(400, "A thread needs at least one comment."))
        status = enum_name(body.get("status", "active"), THREAD_STATUSES, "status")
        made = []
        for index, c in enumerate(comments, start=1):
            if not isinstance(c, dict):
                raise Reply(400, error_body(400, "A comment must be an object."))
            comment = new_comment(c, c.get("parentCommentId", 0))
            comment["id"] = index
            made.append(comment)
        stamp = now_iso()
        thread = {"id": next_id(), "pr": number, "status": status, "publishedDate": stamp, "lastUpdatedDate": stamp,
                  "comments": made}
        state["threads"].append(thread)
        return 200, thread_json(thread), {}

    def get_thread(h, m, q, body):
        check(m, q)
        return 200, thread_json(find_thread(int(m["pr"]), int(m["thread"]))), {}

    def update_thread(h, m, q, body):
        check(m, q)
        thread = find_thread(int(m["pr"]), int(m["thread"]))
        if "status" in (body or {}):
            thread["status"] = enum_name(body["status"], THREAD_STATUSES, "status")
        thread["lastUpdatedDate"] = now_iso()
        return 200, thread_json(thread), {}

    def list_comments(h, m, q, body):
        check(m, q)
        thread = find_thread(int(m["pr"]), int(m["thread"]))
        return 200, listing([comment_json(c) for c in thread["comments"]]), {}

    def create_comment(h, m, q, body):
        check(m, q)
        thread = find_thread(int(m["pr"]), int(m["thread"]))
        body = body or {}
        parent = body.get("parentCommentId", 0)
        if not isinstance(parent, int):
            raise Reply(400, error_body(400, "parentCommentId must be a number."))
        comment = new_comment(body, parent)
        comment["id"] = max([c["id"] for c in thread["comments"]] + [0]) + 1
        thread["comments"].append(comment)
        thread["lastUpdatedDate"] = comment["publishedDate"]
        return 200, comment_json(comment), {}

    def get_comment(h, m, q, body):
        check(m, q)
        thread = find_thread(int(m["pr"]), int(m["thread"]))
        return 200, comment_json(find_comment(thread, int(m["comment"]))), {}

    def update_comment(h, m, q, body):
        check(m, q)
        thread = find_thread(int(m["pr"]), int(m["thread"]))
        comment = find_comment(thread, int(m["comment"]))
        if not isinstance((body or {}).get("content"), str):
            raise Reply(400, error_body(400, "The comment content is required."))
        comment["content"] = body["content"]
        comment["lastUpdatedDate"] = comment["lastContentUpdatedDate"] = now_iso()
        return 200, comment_json(comment), {}

    def create_status(h, m, q, body):
        check(m, q)
        number = int(m["pr"])
        find_pull(number)
        body = body or {}
        context = body.get("context")
        if not isinstance(context, dict) or not context.get("name"):
            raise Reply(400, error_body(400, "The status context name is required."))
        status = {"id": len([s for s in state["statuses"] if s["pr"] == number]) + 1, "pr": number,
                  "state": enum_name(body.get("state"), STATUS_STATES, "state"),
                  "description": body.get("description"), "context": context, "targetUrl": body.get("targetUrl"),
                  "creationDate": now_iso()}
        state["statuses"].append(status)
        out = template("status")
        out.update({k: status[k] for k in ("id", "state", "description", "context", "targetUrl", "creationDate")})
        out["updatedDate"] = status["creationDate"]
        out["createdBy"] = identity_ref(state["token_identity"])
        out.pop("_links", None)
        return 200, out, {}

    def list_statuses(h, m, q, body):
        check(m, q)
        number = int(m["pr"])
        find_pull(number)
        items = []
        for s in state["statuses"]:
            if s["pr"] == number:
                items.append({k: v for k, v in s.items() if k != "pr"})
        return 200, listing(items), {}

    def identities(h, m, q, body):
        check(m, q)
        membership = q.get("queryMembership", "None")
        if membership not in ("None", "Direct", "Expanded", "ExpandedUp", "ExpandedDown"):
            raise Reply(400, error_body(400, "Invalid queryMembership %r." % membership))
        found = []
        if q.get("identityIds"):
            wanted = {i.lower() for i in q["identityIds"].split(",")}
            found = [i for i in state["identities"] if i["id"].lower() in wanted]
        elif q.get("searchFilter"):
            value = q.get("filterValue", "").lower()
            found = [i for i in state["identities"]
                     if value in (i.get("name", "").lower(), i.get("uniqueName", "").lower(), i.get("displayName", "").lower())]
        else:
            raise Reply(400, error_body(400, "Specify identityIds, descriptors or searchFilter."))

        def expanded(identity_item):
            by_descriptor = {i["descriptor"]: i for i in state["identities"]}
            seen, todo = [], list(identity_item.get("memberOf", []))
            while todo:
                d = todo.pop()
                if d in seen:
                    continue
                seen.append(d)
                todo.extend(by_descriptor.get(d, {}).get("memberOf", []))
            return seen

        out = []
        for i in found:
            item = {"id": i["id"], "descriptor": i["descriptor"], "subjectDescriptor": i.get("subjectDescriptor", ""),
                    "providerDisplayName": i.get("displayName", i.get("name", "")),
                    "isActive": True, "isContainer": bool(i.get("isGroup")), "members": [], "memberIds": [],
                    "memberOf": [], "memberOfIds": [], "metaTypeId": 255, "resourceVersion": 2,
                    "properties": {"Account": {"$type": "System.String", "$value": i.get("uniqueName", i.get("name", ""))}}}
            if membership == "Direct":
                item["memberOf"] = list(i.get("memberOf", []))
            elif membership in ("Expanded", "ExpandedUp"):
                item["memberOf"] = expanded(i)
            out.append(item)
        return 200, listing(out), {}

    builds = fake_azure_devops_builds.routes(fake, {
        "check": check, "error_body": error_body, "listing": listing, "next_id": next_id})
    return builds + [
        ("GET", pr_path, get_pull, True),
        ("PATCH", pr_path, update_pull, True),
        ("GET", repo + r"/pullrequests", list_pulls, True),
        ("POST", repo + r"/pullrequests", create_pull, True),
        ("GET", pr_path + r"/threads", list_threads, True),
        ("POST", pr_path + r"/threads", create_thread, True),
        ("GET", pr_path + r"/threads/(?P<thread>\d+)", get_thread, True),
        ("PATCH", pr_path + r"/threads/(?P<thread>\d+)", update_thread, True),
        ("GET", pr_path + r"/threads/(?P<thread>\d+)/comments", list_comments, True),
        ("POST", pr_path + r"/threads/(?P<thread>\d+)/comments", create_comment, True),
        ("GET", pr_path + r"/threads/(?P<thread>\d+)/comments/(?P<comment>\d+)", get_comment, True),
        ("PATCH", pr_path + r"/threads/(?P<thread>\d+)/comments/(?P<comment>\d+)", update_comment, True),
        ("POST", pr_path + r"/statuses", create_status, True),
        ("GET", pr_path + r"/statuses", list_statuses, True),
        ("GET", r"/(?P<org>[^/]+)/_apis/identities", identities, True),
    ]


if __name__ == "__main__":
    main()
