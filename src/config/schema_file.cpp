// Reading a configuration file: its text checked (size, UTF-8, control
// characters, depth), parsed as one YAML document in a way that cannot hang,
// and its mappings walked against the key table (schema_table.hpp).

#include "draftsmith/util/error.hpp"
#include "draftsmith/util/limits.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "schema_table.hpp"

namespace draftsmith::config::detail {
namespace {

void apply_mapping(Config& config, const YAML::Node& map, const Where& where,
                   const std::string& section, std::set<std::string>& set_keys)
{
    for_each_entry(
        map, where,
        [&](const std::string& name, const YAML::Node& key_node, const YAML::Node& value) {
            const auto key = section.empty() ? name : fmt::format("{}.{}", section, name);
            const auto* field = name.find('.') == std::string::npos ? find_field(key) : nullptr;
            if (field != nullptr) {
                field->set(config, value, at(where, value.IsNull() ? key_node : value, key));
                set_keys.insert(key);
            } else if (section.empty() && is_section(name)) {
                if (!value.IsMap()) {
                    fail_type(value, at(where, value.IsNull() ? key_node : value, key),
                              fmt::format("a mapping of {}", fmt::join(names_under(name), ", ")));
                }
                apply_mapping(config, value, where, name, set_keys);
            } else {
                fail_unknown_key(at(where, key_node, key), name, names_under(section));
            }
        });
}

// The text's line and column (from 0, as YAML::Mark counts) of byte `offset`.
YAML::Mark mark_of(std::string_view text, std::size_t offset)
{
    YAML::Mark mark;
    mark.pos = static_cast<int>(offset);
    const auto before = text.substr(0, offset);
    mark.line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    const auto line_start = before.rfind('\n');
    mark.column =
        static_cast<int>(line_start == std::string_view::npos ? offset : offset - line_start - 1);
    return mark;
}

// Refuses what yaml-cpp would accept and later steps would trip on: too
// large a file, bytes that are not UTF-8 (nothing downstream could print them).
void check_file_text(std::string_view yaml, const std::string& source)
{
    if (yaml.size() > limits::k_max_config_bytes) {
        fail(Where{source, std::nullopt, "", true},
             fmt::format("larger than {}, the most a configuration file may hold (see LIMITS in "
                         "man draftsmith)",
                         limits::describe_bytes(limits::k_max_config_bytes)));
    }
    if (const auto offset = text::invalid_utf8_at(yaml)) {
        fail(Where{source, mark_of(yaml, *offset), "", true},
             "not valid UTF-8: the configuration must be UTF-8 text");
    }
    // YAML allows only printable characters (YAML 1.2, 5.1 c-printable): no
    // C0 control but tab and line breaks, no DEL. yaml-cpp 0.7 can loop
    // forever on them (found by fuzz.config), so they are refused first.
    const auto control = std::find_if(yaml.begin(), yaml.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7F;
    });
    if (control != yaml.end()) {
        fail(Where{source, mark_of(yaml, static_cast<std::size_t>(control - yaml.begin())), "",
                   true},
             fmt::format("a control character (0x{:02X}), which YAML does not allow; remove it",
                         static_cast<unsigned>(static_cast<unsigned char>(*control))));
    }
    if (limits::json_deeper_than(yaml, limits::k_max_config_depth)) {
        fail(Where{source, std::nullopt, "", true},
             fmt::format("lists or mappings nested deeper than {} levels (see LIMITS in man "
                         "draftsmith)",
                         limits::k_max_config_depth));
    }
}

// yaml-cpp 0.7 loops forever on some invalid YAML (a block line starting
// with ',' is one; found by fuzz.config). So a file is first parsed in a
// child process that must finish within this time; only then in ours.
constexpr int k_parse_deadline_ms = 3000;

// True when yaml-cpp finishes on `yaml` (parsed or refused) in a child
// process within the deadline; false when it had to be stopped. Where no
// child can be made, assumes it finishes.
bool yaml_parse_finishes(const std::string& yaml)
{
    int done[2] = {-1, -1};
    if (pipe(done) != 0) {
        return true;
    }
    const pid_t child = fork();
    if (child == 0) {
        close(done[0]);
        try {
            (void)YAML::LoadAll(yaml);
        } catch (...) { // NOLINT(bugprone-empty-catch): refused is finished too
        }
        const char byte = 1;
        (void)!write(done[1], &byte, 1);
        _exit(0);
    }
    close(done[1]);
    if (child < 0) {
        close(done[0]);
        return true;
    }
    pollfd wait_for{done[0], POLLIN, 0};
    int ready = -1;
    do {
        ready = poll(&wait_for, 1, k_parse_deadline_ms);
    } while (ready < 0 && errno == EINTR);
    close(done[0]);
    if (ready == 0) {
        kill(child, SIGKILL);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return ready != 0;
}

// The file's one YAML document; a second one ('---') is refused rather
// than silently ignored.
YAML::Node load_document(std::string_view yaml, const std::string& source)
{
    check_file_text(yaml, source);
    if (!yaml_parse_finishes(std::string(yaml))) {
        fail(Where{source, std::nullopt, "", true},
             fmt::format("the YAML parser did not finish within {} s on this file; it is not "
                         "valid YAML there (check lines starting with ',' or other indicators)",
                         k_parse_deadline_ms / 1000));
    }
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(std::string(yaml));
    } catch (const YAML::Exception& e) {
        fail(Where{source, e.mark, "", true}, fmt::format("invalid YAML: {}", e.msg));
    }
    if (documents.size() > 1) {
        fail(Where{source, documents[1].Mark(), "", true},
             "a second YAML document ('---'): the configuration is one document; merge them or "
             "remove the '---' line");
    }
    return documents.empty() ? YAML::Node() : documents.front();
}

} // namespace

void apply_file(Config& config, std::string_view yaml, const std::string& source,
                std::set<std::string>& set_keys)
{
    const auto root = load_document(yaml, source);
    if (root.IsNull()) {
        return; // an empty file, or comments only
    }
    const Where where{source, root.Mark(), "", true};
    if (!root.IsMap()) {
        fail(where, fmt::format("the configuration must be a mapping of keys to values, "
                                "not {}",
                                describe(root)));
    }
    apply_mapping(config, root, where, "", set_keys);
}

} // namespace draftsmith::config::detail
