#pragma once
// Text a reader of the pull request does not see: HTML comments (GitHub and
// Azure DevOps render `<!-- ... -->` as nothing) and invisible characters
// (zero-width and bidirectional controls, Unicode tag characters). Such text
// must neither start a run nor reach the model as instructions (man
// draftsmith, COMMENT GRAMMAR): the comment grammar reads commands from the
// comment without its HTML comments and refuses a command holding an
// invisible character; the pull request's title and description reach the
// model with both removed.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace draftsmith::trigger {

// `markdown` ("\n" line ends) with every HTML comment outside fenced code and
// code spans removed; a comment never closed runs to the end, as CommonMark
// and HTML read it. Line ends inside a comment are kept, so line numbers stay.
std::string without_html_comments(std::string_view markdown);

// An invisible character: U+00AD, U+061C, U+180E, U+200B..U+200F,
// U+202A..U+202E, U+2060..U+2064, U+2066..U+206F, U+FEFF, U+E0000..U+E007F
// (tags) and U+E0100..U+E01EF (variation selectors past U+FE0F).
struct HiddenCharacter {
    char32_t code_point = 0;
    std::size_t offset = 0; // byte offset in the text searched
};

// The first invisible character of `text`, if any; malformed UTF-8 is skipped.
std::optional<HiddenCharacter> find_hidden_character(std::string_view text);

// `text` without its invisible characters.
std::string without_hidden_characters(std::string_view text);

// What a reader sees of someone else's text (a pull request's title or
// description): without HTML comments, then without invisible characters.
std::string visible_text(std::string_view markdown);

} // namespace draftsmith::trigger
