// A small blocking HTTP client over libcurl for the test helpers. Internal to
// acedt_test_support.
#pragma once

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace acedt_test::http {

struct Request {
    std::string method = "GET";  // GET, HEAD, POST or PUT
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    std::string username;  // Basic authentication when not empty
    std::string password;
    std::chrono::seconds timeout = std::chrono::seconds(60);
    bool insecure = false;           // accept any TLS certificate
    std::string client_certificate;  // PEM files for mutual TLS, when set
    std::string client_key;
};

struct Response {
    long status = 0;
    std::string body;
    // Header names in lower case. A repeated header keeps its last value.
    std::map<std::string, std::string> headers;

    // The header's value, or an empty string when the response has none.
    std::string header(const std::string &lower_case_name) const;
};

// Sends `request` and returns the response, whatever its status. Proxies are
// never used, because every request of the tests goes to loopback. Throws
// std::runtime_error naming the method and URL when no response arrives
// (connection refused, timeout).
Response send(const Request &request);

}  // namespace acedt_test::http
