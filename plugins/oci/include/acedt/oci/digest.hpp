// Content digests as defined by the OCI image specification:
// "ALGORITHM:ENCODED", for example "sha256:" followed by 64 lower-case hex
// characters.
#pragma once

#include <compare>
#include <string>
#include <string_view>

namespace acedt::oci {

class Digest {
public:
    Digest() = default;

    // Parses and validates a digest string. Supported algorithms are sha256
    // (64 hex characters) and sha512 (128 hex characters), lower-case hex
    // only. Throws Error naming the value and what is wrong with it.
    static Digest parse(std::string_view text);

    // Computes the sha256 digest of `data` (OpenSSL).
    static Digest sha256_of(std::string_view data);

    // Computes the digest of `data` with `algorithm` ("sha256" or "sha512").
    // Throws Error for any other algorithm.
    static Digest compute(std::string_view algorithm, std::string_view data);

    // Computes the digest of `data` with this digest's algorithm and
    // returns true when it matches.
    bool matches(std::string_view data) const;

    const std::string &algorithm() const { return algorithm_; }
    const std::string &encoded() const { return encoded_; }
    std::string str() const { return algorithm_ + ":" + encoded_; }
    bool empty() const { return algorithm_.empty(); }

    auto operator<=>(const Digest &) const = default;

private:
    std::string algorithm_;
    std::string encoded_;
};

}  // namespace acedt::oci

template <>
struct std::hash<acedt::oci::Digest> {
    size_t operator()(const acedt::oci::Digest &d) const noexcept {
        return std::hash<std::string>()(d.encoded());
    }
};
