#include "draftsmith/net/http.hpp"

#include "draftsmith/util/text.hpp"

namespace draftsmith::net {

const char* to_string(Method method) noexcept
{
    switch (method) {
    case Method::get:
        return "GET";
    case Method::post:
        return "POST";
    case Method::put:
        return "PUT";
    case Method::patch:
        return "PATCH";
    case Method::del:
        return "DELETE";
    }
    return "GET";
}

std::optional<std::string> find_header(const Headers& headers, std::string_view name)
{
    for (const auto& [key, value] : headers) {
        if (text::iequals_ascii(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

} // namespace draftsmith::net
