#include "draftsmith/host/host.hpp"

#include "draftsmith/util/error.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "host_impl.hpp"

namespace draftsmith::host {

const char* to_string(Kind kind) noexcept
{
    switch (kind) {
    case Kind::github:
        return "github";
    case Kind::azure_devops:
        return "azure-devops";
    case Kind::local:
        return "local";
    }
    return "?";
}

std::optional<Kind> parse_kind(std::string_view text)
{
    const auto lower = text::to_lower_ascii(text);
    if (lower == "github") {
        return Kind::github;
    }
    if (lower == "azure-devops" || lower == "azure_devops" || lower == "ado") {
        return Kind::azure_devops;
    }
    if (lower == "local") {
        return Kind::local;
    }
    return std::nullopt;
}

PullRequest Host::get_issue(std::int64_t number)
{
    throw Error(ErrorCategory::host,
                fmt::format("{}: requests from issue #{} are not supported on this host",
                            to_string(kind()), number));
}

std::unique_ptr<Host> make_host(const Options& options, std::shared_ptr<net::HttpClient> client)
{
    switch (options.kind) {
    case Kind::github:
        return make_github_host(options, std::move(client));
    case Kind::azure_devops:
        return make_azure_devops_host(options, std::move(client));
    case Kind::local:
        return make_local_host(options);
    }
    throw Error(ErrorCategory::internal, "unknown host kind");
}

} // namespace draftsmith::host

namespace draftsmith::host {

std::string fit_text(std::string_view body, std::size_t limit)
{
    if (body.size() <= limit) {
        return std::string(body);
    }
    std::string markers;
    for (auto pos = body.find("<!-- draftsmith-"); pos != std::string_view::npos;
         pos = body.find("<!-- draftsmith-", pos + 1)) {
        const auto end = body.find("-->", pos);
        if (end == std::string_view::npos) {
            break;
        }
        markers += "\n" + std::string(body.substr(pos, end + 3 - pos));
    }
    constexpr std::string_view k_cut = "\n\n*(shortened to fit the service's limit)*";
    const auto room = limit - std::min(limit, markers.size() + k_cut.size());
    auto kept = std::string(body.substr(0, room));
    // Drop a UTF-8 sequence cut in half: continuation bytes, then their lead byte.
    std::size_t continuation = 0;
    while (!kept.empty() && (static_cast<unsigned char>(kept.back()) & 0xC0) == 0x80) {
        kept.pop_back();
        ++continuation;
    }
    if (!kept.empty() && (static_cast<unsigned char>(kept.back()) & 0x80) != 0) {
        const auto lead = static_cast<unsigned char>(kept.back());
        const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (continuation + 1 < length) {
            kept.pop_back();
        } else {
            kept += std::string(body.substr(kept.size(), continuation));
        }
    }
    return kept + std::string(k_cut) + markers;
}

} // namespace draftsmith::host
