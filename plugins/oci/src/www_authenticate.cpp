// Parser for WWW-Authenticate header values (RFC 9110, section 11.6.1).
#include <acedt/oci/auth.hpp>

#include <algorithm>
#include <cctype>

namespace acedt::oci {

namespace {

bool is_token_char(char c) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string to_lower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower;
}

// Reads challenges left to right. Each method leaves `position_` on the
// first character it did not consume.
class ChallengeReader {
public:
    explicit ChallengeReader(std::string_view text) : text_(text) {}

    std::vector<AuthChallenge> read_all() {
        std::vector<AuthChallenge> challenges;
        while (true) {
            skip_separators();
            if (at_end()) {
                break;
            }

            const std::string_view scheme = read_token();
            if (scheme.empty()) {
                ++position_;  // not a token character: skip it and resynchronise
                continue;
            }

            AuthChallenge challenge;
            challenge.scheme = to_lower(scheme);
            read_parameters(challenge);
            challenges.push_back(std::move(challenge));
        }
        return challenges;
    }

private:
    // Reads name=value pairs separated by commas. Stops before a token that
    // is not followed by '=', because that token starts the next challenge.
    void read_parameters(AuthChallenge &challenge) {
        while (true) {
            const std::size_t start = position_;
            skip_separators();

            const std::string_view name = read_token();
            skip_spaces();
            if (name.empty() || !consume('=')) {
                position_ = start;
                return;
            }

            skip_spaces();
            challenge.parameters[to_lower(name)] = peek() == '"' ? read_quoted() : std::string(read_bare_value());
            skip_spaces();
            if (peek() != ',') {
                return;
            }
        }
    }

    std::string_view read_token() {
        const std::size_t start = position_;
        while (!at_end() && is_token_char(text_[position_])) {
            ++position_;
        }
        return text_.substr(start, position_ - start);
    }

    // An unquoted value runs to the next comma or white space. This is more
    // lenient than the token grammar, so that realm=https://host/token works.
    std::string_view read_bare_value() {
        const std::size_t start = position_;
        while (!at_end() && text_[position_] != ',' && text_[position_] != ' ' && text_[position_] != '\t') {
            ++position_;
        }
        return text_.substr(start, position_ - start);
    }

    // Reads a quoted string starting at '"'. A backslash escapes the next
    // character, and an unterminated string runs to the end of the header.
    std::string read_quoted() {
        std::string value;
        ++position_;
        while (!at_end()) {
            const char c = text_[position_++];
            if (c == '"') {
                break;
            }
            if (c == '\\' && !at_end()) {
                value.push_back(text_[position_++]);
                continue;
            }
            value.push_back(c);
        }
        return value;
    }

    void skip_spaces() {
        while (!at_end() && (text_[position_] == ' ' || text_[position_] == '\t')) {
            ++position_;
        }
    }

    void skip_separators() {
        while (!at_end() && (text_[position_] == ' ' || text_[position_] == '\t' || text_[position_] == ',')) {
            ++position_;
        }
    }

    bool consume(char expected) {
        if (peek() != expected) {
            return false;
        }
        ++position_;
        return true;
    }

    char peek() const { return at_end() ? '\0' : text_[position_]; }
    bool at_end() const { return position_ >= text_.size(); }

    std::string_view text_;
    std::size_t position_ = 0;
};

}  // namespace

std::vector<AuthChallenge> parse_www_authenticate(std::string_view header) {
    return ChallengeReader(header).read_all();
}

}  // namespace acedt::oci
