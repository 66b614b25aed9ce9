#include <acedt/oci/digest.hpp>
#include <acedt/oci/error.hpp>

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace acedt::oci {
namespace {

const std::string kHex64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kHex128 = kHex64 + kHex64;

// Known test vectors (FIPS 180-2): sha256("") and sha256("abc"), sha512("abc").
const std::string kSha256Empty = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kSha256Abc = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string kSha512Abc =
    "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

TEST(DigestParse, AcceptsSha256AndSha512) {
    const Digest sha256 = Digest::parse("sha256:" + kHex64);
    EXPECT_EQ(sha256.algorithm(), "sha256");
    EXPECT_EQ(sha256.encoded(), kHex64);
    EXPECT_EQ(sha256.str(), "sha256:" + kHex64);
    EXPECT_FALSE(sha256.empty());

    const Digest sha512 = Digest::parse("sha512:" + kHex128);
    EXPECT_EQ(sha512.algorithm(), "sha512");
    EXPECT_EQ(sha512.encoded(), kHex128);
}

struct InvalidDigestCase {
    std::string text;
    std::string expected_message_part;
};

TEST(DigestParse, RejectsInvalidDigests) {
    const InvalidDigestCase cases[] = {
        {"", "expected ALGORITHM:HEX"},
        {"sha256", "expected ALGORITHM:HEX"},
        {":" + kHex64, "expected ALGORITHM:HEX"},
        {"sha256:", "has 64 hexadecimal digits, found 0"},
        {"sha256:" + kHex64.substr(1), "found 63"},
        {"sha256:" + kHex64 + "0", "found 65"},
        {"sha256:" + kHex128, "found 128"},
        {"sha512:" + kHex64, "a sha512 digest has 128 hexadecimal digits, found 64"},
        {"sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "lower-case hexadecimal"},
        {"sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "lower-case hexadecimal"},
        {"sha256: " + kHex64.substr(1), "lower-case hexadecimal"},
        {"md5:d41d8cd98f00b204e9800998ecf8427e", "unsupported algorithm \"md5\""},
        {"sha384:" + kHex64, "unsupported algorithm \"sha384\""},
        {"SHA256:" + kHex64, "unsupported algorithm \"SHA256\""},
        {"sha256:xyz", "found 3"},
    };

    for (const InvalidDigestCase &test_case : cases) {
        SCOPED_TRACE(test_case.text);
        try {
            Digest::parse(test_case.text);
            ADD_FAILURE() << "accepted an invalid digest";
        } catch (const Error &error) {
            const std::string message = error.what();
            EXPECT_NE(message.find("invalid digest \"" + test_case.text + "\""), std::string::npos) << message;
            EXPECT_NE(message.find(test_case.expected_message_part), std::string::npos) << message;
        }
    }
}

TEST(DigestCompute, MatchesKnownVectors) {
    EXPECT_EQ(Digest::sha256_of("").str(), kSha256Empty);
    EXPECT_EQ(Digest::sha256_of("abc").str(), kSha256Abc);
    EXPECT_EQ(Digest::compute("sha256", "abc").str(), kSha256Abc);
    EXPECT_EQ(Digest::compute("sha512", "abc").str(), kSha512Abc);
}

TEST(DigestCompute, RejectsUnknownAlgorithm) {
    EXPECT_THROW(Digest::compute("md5", "abc"), Error);
}

TEST(DigestMatches, ComparesWithTheDigestsAlgorithm) {
    EXPECT_TRUE(Digest::parse(kSha256Abc).matches("abc"));
    EXPECT_FALSE(Digest::parse(kSha256Abc).matches("abd"));
    EXPECT_TRUE(Digest::parse(kSha512Abc).matches("abc"));
    EXPECT_FALSE(Digest::parse(kSha512Abc).matches(""));
    EXPECT_FALSE(Digest().matches(""));
}

TEST(DigestValue, ComparesAndHashesByContent) {
    const Digest a = Digest::parse(kSha256Abc);
    const Digest b = Digest::parse(kSha256Abc);
    const Digest c = Digest::parse(kSha256Empty);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    // Ordered by algorithm, then by the hex digits: "ba78..." before "e3b0...".
    EXPECT_LT(a, c);
    std::unordered_set<Digest> set{a, b, c};
    EXPECT_EQ(set.size(), 2u);
    EXPECT_TRUE(Digest().empty());
}

}  // namespace
}  // namespace acedt::oci
