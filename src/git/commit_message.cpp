#include "draftsmith/git/commit_message.hpp"

#include "draftsmith/git/library.hpp"
#include "draftsmith/util/secret.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <charconv>

#include "handles.hpp"

namespace draftsmith::git {
namespace {

constexpr std::string_view k_request_key = "Draftsmith-Request";
constexpr std::string_view k_variant_key = "Draftsmith-Variant";
constexpr std::string_view k_co_author_key = "Co-authored-by";
constexpr std::string_view k_incomplete_key = "Draftsmith-Incomplete";
constexpr std::string_view k_follow_up_key = "Draftsmith-Follow-Up"; // issue 15
constexpr std::string_view k_repair_key = "Draftsmith-Repair";       // issue 15

// One line, no angle brackets (libgit2 refuses them in signatures and they
// would break "Name <email>").
std::string single_line(std::string_view value, bool strip_angle_brackets)
{
    std::string out;
    for (const char c : value) {
        if (c == '\n' || c == '\r') {
            out += ' ';
        } else if (strip_angle_brackets && (c == '<' || c == '>')) {
            continue;
        } else {
            out += c;
        }
    }
    return std::string(text::trim(out));
}

std::string path_part(std::string_view value)
{
    std::string out = single_line(value, false);
    for (char& c : out) {
        if (c == '/') {
            c = '-';
        }
    }
    return out;
}

std::optional<int> parse_positive(std::string_view digits)
{
    int value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size() || value <= 0) {
        return std::nullopt;
    }
    return value;
}

std::optional<VariantNumber> parse_variant(std::string_view value)
{
    const auto slash = value.find('/');
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    const auto index = parse_positive(text::trim(value.substr(0, slash)));
    const auto count = parse_positive(text::trim(value.substr(slash + 1)));
    if (!index || !count || *index > *count) {
        return std::nullopt;
    }
    return VariantNumber{*index, *count};
}

} // namespace

Person default_committer()
{
    return Person{"draftsmith", "draftsmith@localhost"};
}

std::string RequestId::to_string() const
{
    return fmt::format("{}/{}/{}/{}", path_part(host), single_line(repository, false),
                       path_part(pull_request), path_part(comment_id));
}

std::optional<RequestId> RequestId::parse(std::string_view value)
{
    value = text::trim(value);
    const auto first = value.find('/');
    const auto last = value.rfind('/');
    if (first == std::string_view::npos || last == first) {
        return std::nullopt;
    }
    const auto before_last = value.rfind('/', last - 1);
    if (before_last == first || before_last == std::string_view::npos) {
        return std::nullopt;
    }
    RequestId id{std::string(value.substr(0, first)),
                 std::string(value.substr(first + 1, before_last - first - 1)),
                 std::string(value.substr(before_last + 1, last - before_last - 1)),
                 std::string(value.substr(last + 1))};
    if (id.host.empty() || id.repository.empty() || id.pull_request.empty() ||
        id.comment_id.empty()) {
        return std::nullopt;
    }
    return id;
}

CommitIdentity resolve_identity(const CommitSpec& spec)
{
    CommitIdentity identity;
    identity.committer =
        Person{single_line(spec.committer.name, true), single_line(spec.committer.email, true)};
    identity.author = identity.committer;
    if (!spec.requester) {
        return identity;
    }
    const std::string name = single_line(spec.requester->name, true);
    const std::string email =
        spec.requester->email ? single_line(*spec.requester->email, true) : "";
    if (!name.empty() && !email.empty()) {
        identity.author = Person{name, email};
    } else if (!name.empty()) {
        // Without an address GitHub cannot link the co-author, but the
        // commit still says who asked.
        identity.co_author = fmt::format("{}: {}", k_co_author_key, name);
    }
    return identity;
}

std::string compose_message(const CommitSpec& spec)
{
    // A model may echo a key it saw into its summary: a commit is forever.
    std::string message = redacted(text::trim(spec.message));
    if (message.empty()) {
        message = "draftsmith edit";
    }
    std::vector<std::string> trailers;
    if (const auto identity = resolve_identity(spec); identity.co_author) {
        trailers.push_back(*identity.co_author);
    }
    if (spec.request) {
        trailers.push_back(fmt::format("{}: {}", k_request_key, spec.request->to_string()));
    }
    if (spec.variant) {
        trailers.push_back(
            fmt::format("{}: {}/{}", k_variant_key, spec.variant->index, spec.variant->count));
    }
    if (spec.incomplete) {
        const auto why = single_line(*spec.incomplete, false);
        trailers.push_back(fmt::format("{}: {}", k_incomplete_key, why.empty() ? "yes" : why));
    }
    if (spec.follow_up) {
        trailers.push_back(
            fmt::format("{}: {}", k_follow_up_key, single_line(*spec.follow_up, false)));
    }
    if (spec.repair) {
        trailers.push_back(fmt::format("{}: {}", k_repair_key, *spec.repair));
    }
    if (!trailers.empty()) {
        message += "\n\n";
        for (const auto& line : trailers) {
            message += line;
            message += '\n';
        }
    } else {
        message += '\n';
    }
    return message;
}

DraftsmithTrailers parse_trailers(std::string_view message)
{
    const Library library;
    DraftsmithTrailers result;
    git_message_trailer_array trailers{};
    const std::string owned(message);
    if (git_message_trailers(&trailers, owned.c_str()) < 0) {
        git_error_clear();
        return result;
    }
    for (std::size_t i = 0; i < trailers.count; ++i) {
        const std::string_view key = trailers.trailers[i].key;
        const std::string_view value = trailers.trailers[i].value;
        if (text::iequals_ascii(key, k_request_key)) {
            result.request = RequestId::parse(value);
        } else if (text::iequals_ascii(key, k_variant_key)) {
            result.variant = parse_variant(value);
        } else if (text::iequals_ascii(key, k_incomplete_key)) {
            result.incomplete = std::string(text::trim(value));
        } else if (text::iequals_ascii(key, k_follow_up_key)) {
            result.follow_up = std::string(text::trim(value));
        } else if (text::iequals_ascii(key, k_repair_key)) {
            int count = 0;
            const auto trimmed = text::trim(value);
            const auto [end, error] =
                std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), count);
            if (error == std::errc() && end == trimmed.data() + trimmed.size() && count > 0) {
                result.repair = count;
            }
        } else if (text::iequals_ascii(key, k_co_author_key)) {
            result.co_authors.emplace_back(text::trim(value));
        }
    }
    git_message_trailer_array_free(&trailers);
    return result;
}

} // namespace draftsmith::git
