#include <acedt_test/digest.hpp>

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace acedt_test {

std::string sha256_digest(std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> hash{};
    unsigned int hash_size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), hash.data(), &hash_size, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("OpenSSL failed to compute a SHA-256 digest");
    }

    static constexpr char kHexDigits[] = "0123456789abcdef";
    std::string digest = "sha256:";
    for (unsigned int i = 0; i < hash_size; ++i) {
        digest += kHexDigits[hash[i] >> 4];
        digest += kHexDigits[hash[i] & 0x0f];
    }
    return digest;
}

}  // namespace acedt_test
