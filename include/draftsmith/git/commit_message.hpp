#pragma once
// Who a variant commit is by, and the trailers that let later runs find it.
//
// A variant commit is committed by draftsmith (configurable) and authored by
// the person who asked for it when the host tells us their name and e-mail;
// otherwise draftsmith is the author too and the requester is credited with a
// `Co-authored-by:` trailer. Two trailers name the work:
//
//     Draftsmith-Request: github/octo/app/42/1234567
//     Draftsmith-Variant: 2/3
//
// (host / repository / pull request / comment id; the repository may itself
// contain '/'). A variant a limit or a signal ended before it finished carries
// a third, saying why (issue 17), and a re-run continues it:
//
//     Draftsmith-Incomplete: time limit
//
// A follow-up (issue 15: `/edit intent` on a variant's own pull request) is a
// commit on top of the variant's branch with the same Request and Variant
// trailers and one more, naming the comment it answers (its request id), so
// a re-run of that comment finds it and does not commit it twice:
//
//     Draftsmith-Follow-Up: pr13-c456
// A re-run reads them back with parse_trailers() to find its own
// branches, and push refuses to overwrite a branch whose tip lacks them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::git {

struct Person {
    std::string name;
    std::string email;
    bool operator==(const Person&) const = default;
};

// draftsmith <draftsmith@localhost>
Person default_committer();

// The person who wrote the comment, as far as the host knows them.
struct Requester {
    std::string name;                 // display name or login
    std::optional<std::string> email; // unknown on many hosts
};

// The comment a variant answers: Draftsmith-Request's value.
struct RequestId {
    std::string host;         // "github", "azure-devops", "local"
    std::string repository;   // "octo/app", "org/project/repo"
    std::string pull_request; // "42"
    std::string comment_id;   // "1234567"

    // "host/repository/pull_request/comment_id"
    std::string to_string() const;
    // The inverse of to_string(); nullopt when there are fewer than four parts.
    static std::optional<RequestId> parse(std::string_view value);
    bool operator==(const RequestId&) const = default;
};

// Draftsmith-Variant's value: variant `index` (1-based) of `count`.
struct VariantNumber {
    int index = 1;
    int count = 1;
    bool operator==(const VariantNumber&) const = default;
};

// Everything that goes into a variant commit besides its tree and parent.
struct CommitSpec {
    std::string message; // subject, blank line, body; trailers are added
    Person committer = default_committer();
    std::optional<Requester> requester;
    std::optional<RequestId> request;
    std::optional<VariantNumber> variant;
    // Draftsmith-Incomplete's value ("time limit"): the variant stopped early.
    std::optional<std::string> incomplete;
    // Draftsmith-Follow-Up's value (issue 15): the follow-up comment's request id.
    std::optional<std::string> follow_up;
    // Issue 15: Draftsmith-Repair's value, the how-manyth repair turn this is.
    std::optional<int> repair;
};

// The author and committer a CommitSpec resolves to, and the co-author
// trailer line ("Co-authored-by: Ann <ann@example.com>") when the requester
// is not the author.
struct CommitIdentity {
    Person author;
    Person committer;
    std::optional<std::string> co_author;
};
CommitIdentity resolve_identity(const CommitSpec& spec);

// The full message: spec.message (trimmed, registered secrets masked, or
// "draftsmith edit" when empty),
// a blank line and the trailers. Newlines inside trailer values are replaced
// by spaces so a value cannot forge another trailer.
std::string compose_message(const CommitSpec& spec);

// The trailers read back from a commit message (the last paragraph, as git
// interpret-trailers reads it). Missing or malformed ones are nullopt.
struct DraftsmithTrailers {
    std::optional<RequestId> request;
    std::optional<VariantNumber> variant;
    std::optional<std::string> incomplete; // Draftsmith-Incomplete's value
    std::optional<std::string> follow_up;  // Draftsmith-Follow-Up's value (issue 15)
    std::optional<int> repair;             // Draftsmith-Repair's value (issue 15)
    std::vector<std::string> co_authors;   // "Name <email>"
};
DraftsmithTrailers parse_trailers(std::string_view message);

} // namespace draftsmith::git
