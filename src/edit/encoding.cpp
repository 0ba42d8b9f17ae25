// Reading and writing files that are not plain UTF-8 (see encoding.hpp).
#include "encoding.hpp"

#include <climits>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <iconv.h>

namespace draftsmith::edit::detail {
namespace {

// The 8-bit encodings tried, in order of preference when readings tie:
// Western, Central European and Cyrillic Windows code pages and their ISO
// cousins. ISO-8859-1 is not listed: CP1252 reads every latin-1 text file
// the same way (it differs only in 0x80-0x9F, control characters in latin-1).
constexpr std::array<const char*, 5> k_eight_bit = {"CP1252", "ISO-8859-15", "CP1250", "ISO-8859-2",
                                                    "CP1251"};

// `in` converted by iconv; nullopt when iconv cannot (invalid input, or a
// character the target lacks: glibc refuses those without //TRANSLIT).
std::optional<std::string> convert(std::string_view in, const char* from, const char* to)
{
    iconv_t cd = iconv_open(to, from);
    if (cd == reinterpret_cast<iconv_t>(-1)) { // NOLINT(performance-no-int-to-ptr): iconv's API
        return std::nullopt;
    }
    std::string input(in);
    std::string out(in.size() * 4 + 16, '\0'); // every conversion here at most quadruples
    char* in_at = input.data();
    std::size_t in_left = input.size();
    char* out_at = out.data();
    std::size_t out_left = out.size();
    const auto done = iconv(cd, &in_at, &in_left, &out_at, &out_left);
    iconv_close(cd);
    if (done != 0 || in_left != 0) {
        return std::nullopt; // an error, or conversions that were not reversible
    }
    out.resize(out.size() - out_left);
    return out;
}

// The code point at `at` (advanced past it), or -1 for a byte that does not
// start a valid UTF-8 sequence (`at` then moves one byte).
long next_code_point(std::string_view text, std::size_t& at)
{
    const auto lead = static_cast<unsigned char>(text[at++]);
    if (lead < 0x80) {
        return lead;
    }
    std::size_t extra = 0;
    long value = 0;
    long minimum = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        extra = 1, value = lead & 0x1F, minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        extra = 2, value = lead & 0x0F, minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        extra = 3, value = lead & 0x07, minimum = 0x10000;
    } else {
        return -1;
    }
    if (at + extra > text.size()) {
        return -1;
    }
    for (std::size_t k = 0; k < extra; ++k) {
        const auto next = static_cast<unsigned char>(text[at + k]);
        if ((next & 0xC0) != 0x80) {
            return -1;
        }
        value = (value << 6) | (next & 0x3F);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        return -1;
    }
    at += extra;
    return value;
}

enum class Script { none, latin, accented, cyrillic, other };

Script script_of(long c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        return Script::latin;
    }
    if ((c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7)) {
        return Script::accented;
    }
    if (c >= 0x400 && c <= 0x4FF) {
        return Script::cyrillic;
    }
    return c >= 0x80 ? Script::other : Script::none;
}

// How implausible `text` is as real text: one point per word mixing Latin
// and Cyrillic letters ("cafй": latin-1 read as CP1251) and per run of three
// or more accented letters with no plain letter ("Ïðèâåò": CP1251 read as
// CP1252). Text with C1 control characters (U+0080-U+009F) is ruled out.
long implausibility(std::string_view text)
{
    long points = 0;
    bool latin = false;
    bool cyrillic = false;
    std::size_t accented_run = 0;
    auto end_word = [&] {
        points += (latin || accented_run > 0) && cyrillic ? 1 : 0;
        points += !latin && accented_run >= 3 ? 1 : 0;
        latin = cyrillic = false;
        accented_run = 0;
    };
    for (std::size_t at = 0; at < text.size();) {
        const auto c = next_code_point(text, at);
        if (c >= 0x80 && c <= 0x9F) {
            return LONG_MAX;
        }
        switch (script_of(c)) {
        case Script::latin:
            latin = true;
            break;
        case Script::accented:
            ++accented_run;
            break;
        case Script::cyrillic:
            cyrillic = true;
            break;
        default:
            end_word();
        }
    }
    end_word();
    return points;
}

// UTF-16/32 told by their mark, or without one by where the NUL bytes are
// (ASCII in UTF-16LE is "x\0"): the encoding's name, and the mark's length.
std::optional<std::pair<const char*, std::size_t>> wide_encoding(std::string_view bytes)
{
    struct Mark {
        std::string_view bytes;
        const char* encoding;
    };
    static constexpr std::array<Mark, 4> k_marks = {{{{"\xFF\xFE\0\0", 4}, "UTF-32LE"},
                                                     {{"\0\0\xFE\xFF", 4}, "UTF-32BE"},
                                                     {"\xFF\xFE", "UTF-16LE"},
                                                     {"\xFE\xFF", "UTF-16BE"}}};
    for (const auto& mark : k_marks) {
        if (bytes.substr(0, mark.bytes.size()) == mark.bytes) {
            return std::make_pair(mark.encoding, mark.bytes.size());
        }
    }
    std::array<std::size_t, 4> nuls{}; // NUL bytes by position modulo 4
    const auto sample = bytes.substr(0, 8000);
    for (std::size_t i = 0; i < sample.size(); ++i) {
        nuls[i % 4] += sample[i] == '\0' ? 1 : 0;
    }
    const bool any = nuls[0] + nuls[1] + nuls[2] + nuls[3] > 0;
    if (!any) {
        return std::nullopt;
    }
    // Characters below U+10000 in UTF-32 have two NUL bytes each: the high ones.
    const auto quarter = sample.size() / 4;
    if (bytes.size() % 4 == 0 && nuls[2] == quarter && nuls[3] == quarter && nuls[0] == 0) {
        return std::make_pair("UTF-32LE", std::size_t{0});
    }
    if (bytes.size() % 4 == 0 && nuls[0] == quarter && nuls[1] == quarter && nuls[3] == 0) {
        return std::make_pair("UTF-32BE", std::size_t{0});
    }
    if (bytes.size() % 2 == 0 && nuls[0] + nuls[2] == 0) {
        return std::make_pair("UTF-16LE", std::size_t{0});
    }
    if (bytes.size() % 2 == 0 && nuls[1] + nuls[3] == 0) {
        return std::make_pair("UTF-16BE", std::size_t{0});
    }
    return std::nullopt;
}

std::vector<Reading> eight_bit_readings(std::string_view bytes)
{
    std::vector<std::pair<long, Reading>> scored;
    for (const char* encoding : k_eight_bit) {
        auto text = convert(bytes, encoding, "UTF-8");
        if (!text) {
            continue;
        }
        const auto points = implausibility(*text);
        if (points != LONG_MAX) {
            scored.push_back({points, Reading{encoding, {}, std::move(*text)}});
        }
    }
    std::vector<Reading> best;
    if (scored.empty()) {
        return best;
    }
    const auto least =
        std::min_element(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
            return a.first < b.first;
        })->first;
    for (auto& [points, reading] : scored) {
        if (points == least) {
            best.push_back(std::move(reading));
        }
    }
    return best;
}

} // namespace

bool is_valid_utf8(std::string_view bytes)
{
    for (std::size_t at = 0; at < bytes.size();) {
        if (static_cast<unsigned char>(bytes[at]) < 0x80) {
            ++at; // the common case, kept cheap
        } else if (next_code_point(bytes, at) < 0) {
            return false;
        }
    }
    return true;
}

std::vector<Reading> readings(std::string_view bytes)
{
    constexpr std::string_view k_utf8_bom = "\xEF\xBB\xBF";
    if (bytes.substr(0, k_utf8_bom.size()) == k_utf8_bom) {
        return {Reading{"UTF-8", std::string(k_utf8_bom), std::string(bytes.substr(3))}};
    }
    if (const auto wide = wide_encoding(bytes)) {
        auto text = convert(bytes.substr(wide->second), wide->first, "UTF-8");
        if (text && text->find('\0') == std::string::npos) {
            return {
                Reading{wide->first, std::string(bytes.substr(0, wide->second)), std::move(*text)}};
        }
        return {}; // binary
    }
    if (is_valid_utf8(bytes) || std::memchr(bytes.data(), 0, bytes.size()) != nullptr) {
        return {}; // plain UTF-8, or binary (the applier refuses it)
    }
    return eight_bit_readings(bytes);
}

std::optional<std::string> encode(std::string_view utf8, const Reading& reading)
{
    if (reading.encoding == "UTF-8") {
        // A whole file the model sent with the mark already in it keeps one mark.
        const bool marked = utf8.substr(0, reading.bom.size()) == reading.bom;
        return (marked ? std::string() : reading.bom) + std::string(utf8);
    }
    auto bytes = convert(utf8, "UTF-8", reading.encoding.c_str());
    if (!bytes) {
        return std::nullopt;
    }
    return reading.bom + *bytes;
}

} // namespace draftsmith::edit::detail
