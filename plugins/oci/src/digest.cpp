#include <acedt/oci/digest.hpp>
#include <acedt/oci/error.hpp>

#include <openssl/evp.h>

#include <array>
#include <string>

namespace acedt::oci {

namespace {

struct Algorithm {
    std::string_view name;
    std::size_t hex_length;
    const EVP_MD *(*evp)();
};

constexpr std::array kAlgorithms = {
    Algorithm{"sha256", 64, &EVP_sha256},
    Algorithm{"sha512", 128, &EVP_sha512},
};

const Algorithm *find_algorithm(std::string_view name) {
    for (const Algorithm &algorithm : kAlgorithms) {
        if (algorithm.name == name) {
            return &algorithm;
        }
    }
    return nullptr;
}

bool is_lower_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

std::string in_quotes(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

std::string hex_digest(const Algorithm &algorithm, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> hash{};
    unsigned int hash_length = 0;
    if (EVP_Digest(data.data(), data.size(), hash.data(), &hash_length, algorithm.evp(), nullptr) != 1) {
        throw Error("computing a " + std::string(algorithm.name) + " digest failed in OpenSSL");
    }

    static constexpr char kHexDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(hash_length * 2);
    for (unsigned int i = 0; i < hash_length; ++i) {
        hex.push_back(kHexDigits[hash[i] >> 4]);
        hex.push_back(kHexDigits[hash[i] & 0x0f]);
    }
    return hex;
}

}  // namespace

Digest Digest::parse(std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        throw Error("invalid digest " + in_quotes(text) +
                    ": expected ALGORITHM:HEX, such as sha256: followed by 64 hexadecimal digits");
    }

    const std::string_view algorithm_name = text.substr(0, colon);
    const std::string_view encoded = text.substr(colon + 1);
    const Algorithm *algorithm = find_algorithm(algorithm_name);
    if (algorithm == nullptr) {
        throw Error("invalid digest " + in_quotes(text) + ": unsupported algorithm " + in_quotes(algorithm_name) +
                    "; supported algorithms are sha256 and sha512");
    }

    if (encoded.size() != algorithm->hex_length) {
        throw Error("invalid digest " + in_quotes(text) + ": a " + std::string(algorithm->name) + " digest has " +
                    std::to_string(algorithm->hex_length) + " hexadecimal digits, found " +
                    std::to_string(encoded.size()));
    }
    for (char c : encoded) {
        if (!is_lower_hex(c)) {
            throw Error("invalid digest " + in_quotes(text) + ": the encoded part must be lower-case hexadecimal (0-9, a-f)");
        }
    }

    Digest digest;
    digest.algorithm_ = std::string(algorithm_name);
    digest.encoded_ = std::string(encoded);
    return digest;
}

Digest Digest::sha256_of(std::string_view data) {
    return compute("sha256", data);
}

Digest Digest::compute(std::string_view algorithm_name, std::string_view data) {
    const Algorithm *algorithm = find_algorithm(algorithm_name);
    if (algorithm == nullptr) {
        throw Error("unsupported digest algorithm " + in_quotes(algorithm_name) + "; supported algorithms are sha256 and sha512");
    }

    Digest digest;
    digest.algorithm_ = std::string(algorithm->name);
    digest.encoded_ = hex_digest(*algorithm, data);
    return digest;
}

bool Digest::matches(std::string_view data) const {
    if (empty()) {
        return false;
    }
    return compute(algorithm_, data) == *this;
}

}  // namespace acedt::oci
