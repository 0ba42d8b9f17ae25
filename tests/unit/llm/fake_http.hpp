#pragma once
// An HttpClient that answers from a queue without a socket, handing bodies of
// 2xx answers to on_body_chunk in chunks of a chosen size, and keeping the
// requests it was sent.

#include "draftsmith/net/http.hpp"

#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace draftsmith::test {

class FakeHttp final : public net::HttpClient {
public:
    struct Answer {
        long status = 200;
        std::string body;
        net::Headers headers;
        int attempts = 1;
    };

    net::Response send(const net::Request& request) override
    {
        requests.push_back(request);
        if (answers.empty()) {
            throw std::runtime_error("FakeHttp: no answer left for " + request.url);
        }
        const auto answer = answers.front();
        answers.pop_front();
        net::Response response;
        response.status = answer.status;
        response.headers = answer.headers;
        response.attempts = answer.attempts;
        if (request.on_body_chunk && response.ok()) {
            for (std::size_t at = 0; at < answer.body.size(); at += chunk_size) {
                request.on_body_chunk(std::string_view(answer.body).substr(at, chunk_size));
            }
        } else {
            response.body = answer.body;
        }
        return response;
    }

    std::deque<Answer> answers;
    std::vector<net::Request> requests;
    std::size_t chunk_size = 1 << 20;
};

inline std::string read_text(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace draftsmith::test
