// The tools a model may call in tools mode, as sent to the provider.
#include "draftsmith/agent/agent.hpp"

#include <nlohmann/json.hpp>

namespace draftsmith::agent {
namespace {

using nlohmann::json;

json schema(json properties, std::vector<std::string> required)
{
    return {{"type", "object"},
            {"properties", std::move(properties)},
            {"required", std::move(required)}};
}

llm::Tools make_tool_definitions()
{
    const json text = {{"type", "string"}};
    llm::Tools tools;
    tools.push_back(
        {"list_files",
         "List the repository's files (as changed so far), one path per line. Withheld files are "
         "not listed.",
         schema(
             {{"path_prefix",
               {{"type", "string"}, {"description", "Only paths starting with this, e.g. src/"}}},
              {"pattern",
               {{"type", "string"}, {"description", "A glob such as *.css or src/**/*.ts"}}}},
             {})});
    tools.push_back(
        {"read_file",
         "Read a file, or a range of its lines, with line numbers ('  12\\t...'). The numbers are "
         "not part "
         "of the file: never copy them into an edit.",
         schema(
             {{"path", text},
              {"start_line",
               {{"type", "integer"}, {"description", "First line, 1-based (default 1)"}}},
              {"end_line",
               {{"type", "integer"}, {"description", "Last line, inclusive (default: the end)"}}}},
             {"path"})});
    tools.push_back(
        {"search",
         "Search the files for a text (or an RE2 regular expression: no backreferences, no "
         "lookahead or lookbehind), line by line. Answers 'path:line: text' per match.",
         schema(
             {{"query", text},
              {"regex",
               {{"type", "boolean"}, {"description", "Treat query as a regular expression"}}},
              {"path_prefix", {{"type", "string"}, {"description", "Only files under this path"}}}},
             {"query"})});
    tools.push_back(
        {"str_replace",
         "Replace old_str, which must occur exactly once in the file, by new_str. Include enough "
         "surrounding lines in old_str to make it unique.",
         schema({{"path", text}, {"old_str", text}, {"new_str", text}},
                {"path", "old_str", "new_str"})});
    tools.push_back(
        {"create_file",
         "Create a new file with the given content. It never overwrites: change an existing "
         "file with str_replace, or delete it first.",
         schema({{"path", text}, {"content", text}}, {"path", "content"})});
    tools.push_back({"delete_file", "Delete a file.", schema({{"path", text}}, {"path"})});
    tools.push_back({"rename_file", "Move a file to new_path.",
                     schema({{"path", text}, {"new_path", text}}, {"path", "new_path"})});
    tools.push_back({"finish",
                     "Call once when done: a short markdown summary of what you changed and why "
                     "(it becomes the "
                     "pull request's description), or why nothing was changed.",
                     schema({{"summary", text}}, {"summary"})});
    return tools;
}

} // namespace

const llm::Tools& tool_definitions()
{
    static const llm::Tools tools = make_tool_definitions();
    return tools;
}

} // namespace draftsmith::agent
