#pragma once
// Internal to edit/: files that are not plain UTF-8. The applier matches and
// edits text as UTF-8; a file in another encoding is decoded first and its
// new bytes encoded back into that same encoding, so a file never ends up in
// two encodings. Transcoding is glibc's iconv (no new dependency).
//
//   UTF-8 with a byte order mark   the mark is kept
//   UTF-16 / UTF-32, LE or BE      with their mark (kept), or without one when
//                                  the NUL bytes' pattern says so
//   other bytes (not valid UTF-8)  an 8-bit encoding: each plausible one of
//                                  k_eight_bit is a reading (see readings())

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::edit::detail {

// One way to read a file: its text as UTF-8 (without the mark), and how to
// write text back.
struct Reading {
    std::string encoding; // iconv's name: "UTF-8", "UTF-16LE", "CP1251", ...
    std::string bom;      // the byte order mark the file starts with, written back as is
    std::string text;     // the file's text in UTF-8
};

// True for bytes that are UTF-8 as a text file holds it (no overlong forms,
// no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// The readings of a file, best first. Empty when the file is plain UTF-8
// without a mark (nothing to decode) or binary (NUL bytes that are not
// UTF-16/32). Several readings only for an 8-bit file: the encodings that
// decode it without control characters and read it least implausibly (words
// that mix Latin and Cyrillic letters, or runs of accented letters with no
// plain letter, count against one); more than one is left when they tie.
std::vector<Reading> readings(std::string_view bytes);

// `utf8` in `reading`'s encoding, its mark first; nullopt when a character
// does not exist in that encoding.
std::optional<std::string> encode(std::string_view utf8, const Reading& reading);

} // namespace draftsmith::edit::detail
