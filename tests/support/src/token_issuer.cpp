#include <acedt_test/token_issuer.hpp>

#include <acedt_test/pki.hpp>

#include "loopback_server.hpp"

#include <boost/json.hpp>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace acedt_test {
namespace {

using detail::ServerRequest;
using detail::ServerResponse;

std::string base64(const std::string &data) {
    std::string encoded(4 * ((data.size() + 2) / 3), '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(encoded.data()),
                                       reinterpret_cast<const unsigned char *>(data.data()),
                                       static_cast<int>(data.size()));
    encoded.resize(static_cast<std::size_t>(length));
    return encoded;
}

// base64url without padding, as JWS requires.
std::string base64url(const std::string &data) {
    std::string encoded = base64(data);
    while (!encoded.empty() && encoded.back() == '=') {
        encoded.pop_back();
    }
    for (char &c : encoded) {
        if (c == '+') {
            c = '-';
        } else if (c == '/') {
            c = '_';
        }
    }
    return encoded;
}

std::string basic_authorization(const std::string &username, const std::string &password) {
    return "Basic " + base64(username + ":" + password);
}

ServerResponse json_response(int status, const boost::json::object &body) {
    return ServerResponse{status, {{"Content-Type", "application/json"}}, boost::json::serialize(body)};
}

// "repository:mirror/data:pull,push" as the access claim entry
// {"type": "repository", "name": "mirror/data", "actions": ["pull"]},
// granting at most pull.
boost::json::array pull_access(const std::vector<std::string> &scopes) {
    boost::json::array access;
    for (const std::string &scope : scopes) {
        const std::size_t first = scope.find(':');
        const std::size_t last = scope.rfind(':');
        if (first == std::string::npos || last == first) {
            continue;
        }
        const std::string actions = scope.substr(last + 1);
        if (actions.find("pull") == std::string::npos) {
            continue;
        }
        boost::json::object entry;
        entry["type"] = scope.substr(0, first);
        entry["name"] = scope.substr(first + 1, last - first - 1);
        entry["actions"] = boost::json::array{"pull"};
        access.push_back(std::move(entry));
    }
    return access;
}

}  // namespace

TokenIssuer::TokenIssuer(const std::filesystem::path &directory, TokenIssuerOptions options)
    : options_(std::move(options)) {
    const SigningIdentity identity = SigningIdentity::create(options_.issuer);
    key_pem_ = identity.key_pem;
    certificate_der_ = identity.certificate_der;
    bundle_ = directory / "token-signer.pem";
    std::ofstream(bundle_, std::ios::binary | std::ios::trunc) << identity.certificate_pem;
    server_ = std::make_unique<detail::LoopbackServer>([this](const ServerRequest &request) { return handle(request); });
}

TokenIssuer::~TokenIssuer() = default;

std::string TokenIssuer::realm() const {
    return server_->url() + "/token";
}

void TokenIssuer::issue_expired_tokens(int count) {
    std::lock_guard lock(mutex_);
    expired_tokens_left_ = count;
}

std::vector<TokenRequestRecord> TokenIssuer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::string TokenIssuer::make_token(const std::string &subject, const std::vector<std::string> &scopes, bool expired) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    // The registry allows 60 s of clock skew, so an expired token must be
    // older than that.
    const long long issued = expired ? now - 600 : now - 5;
    const long long expiry = expired ? now - 300 : now + options_.expires_in.count();

    boost::json::object header;
    header["typ"] = "JWT";
    header["alg"] = "RS256";
    header["x5c"] = boost::json::array{boost::json::string(base64(certificate_der_))};

    boost::json::object claims;
    claims["iss"] = options_.issuer;
    claims["sub"] = subject;
    claims["aud"] = options_.service;
    claims["exp"] = expiry;
    claims["nbf"] = issued;
    claims["iat"] = issued;
    claims["jti"] = "token-" + std::to_string(++serial_);
    claims["access"] = subject.empty() && !options_.anonymous_pull ? boost::json::array{} : pull_access(scopes);

    const std::string signing_input =
        base64url(boost::json::serialize(header)) + "." + base64url(boost::json::serialize(claims));
    return signing_input + "." + base64url(sign_rs256(key_pem_, signing_input));
}

ServerResponse TokenIssuer::handle(const ServerRequest &request) {
    std::lock_guard lock(mutex_);
    TokenRequestRecord record;
    record.method = request.method;
    record.target = request.target;
    record.authorization = request.header("authorization");

    const std::size_t question = request.target.find('?');
    const std::string path = request.target.substr(0, question);
    const std::string query = question == std::string::npos ? "" : request.target.substr(question + 1);
    if (path != "/token") {
        requests_.push_back(record);
        return ServerResponse{404, {}, "not found\n"};
    }

    std::string subject;
    if (request.method == "POST") {
        const std::vector<std::string> grant = detail::form_values(request.body, "grant_type");
        record.grant_type = grant.empty() ? "" : grant.front();
        for (const std::string &joined : detail::form_values(request.body, "scope")) {
            std::istringstream words(joined);
            for (std::string scope; words >> scope;) {
                record.scopes.push_back(scope);
            }
        }
        const std::vector<std::string> refresh = detail::form_values(request.body, "refresh_token");
        requests_.push_back(record);
        if (record.grant_type != "refresh_token" || options_.refresh_token.empty() || refresh.empty() ||
            refresh.front() != options_.refresh_token) {
            return json_response(401, {{"error", "invalid_grant"}});
        }
        subject = "refresh-token-user";
    } else {
        record.scopes = detail::form_values(query, "scope");
        requests_.push_back(record);
        if (!record.authorization.empty()) {
            if (options_.username.empty() ||
                record.authorization != basic_authorization(options_.username, options_.password)) {
                return json_response(401, {{"details", "incorrect username or password"}});
            }
            subject = options_.username;
        }
    }

    const bool expired = expired_tokens_left_ > 0;
    if (expired) {
        --expired_tokens_left_;
    }
    const std::string token = make_token(subject, record.scopes, expired);
    boost::json::object body;
    if (request.method == "POST") {
        body["access_token"] = token;
    } else {
        body["token"] = token;
        body["access_token"] = token;
    }
    body["expires_in"] = options_.expires_in.count();
    return json_response(200, body);
}

}  // namespace acedt_test
