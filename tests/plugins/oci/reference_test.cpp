#include <acedt/oci/error.hpp>
#include <acedt/oci/reference.hpp>

#include <gtest/gtest.h>

#include <string>

namespace acedt::oci {
namespace {

const std::string kHex = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string kDigest = "sha256:" + kHex;

struct ValidCase {
    std::string input;
    std::string registry;
    std::string repository;
    std::string tag;
    std::string digest;  // empty when absent
    std::string canonical;
    std::string api_host;
    bool loopback;
};

TEST(ReferenceParse, AcceptsValidReferences) {
    const ValidCase cases[] = {
        {"busybox", "docker.io", "library/busybox", "latest", "", "docker.io/library/busybox:latest",
         "registry-1.docker.io", false},
        {"busybox:1.36", "docker.io", "library/busybox", "1.36", "", "docker.io/library/busybox:1.36",
         "registry-1.docker.io", false},
        {"library/busybox", "docker.io", "library/busybox", "latest", "", "docker.io/library/busybox:latest",
         "registry-1.docker.io", false},
        {"docker.io/busybox", "docker.io", "library/busybox", "latest", "", "docker.io/library/busybox:latest",
         "registry-1.docker.io", false},
        {"index.docker.io/library/busybox:1", "docker.io", "library/busybox", "1", "",
         "docker.io/library/busybox:1", "registry-1.docker.io", false},
        {"index.docker.io/busybox", "docker.io", "library/busybox", "latest", "", "docker.io/library/busybox:latest",
         "registry-1.docker.io", false},
        {"user/app", "docker.io", "user/app", "latest", "", "docker.io/user/app:latest", "registry-1.docker.io", false},
        {"busybox@" + kDigest, "docker.io", "library/busybox", "", kDigest, "docker.io/library/busybox@" + kDigest,
         "registry-1.docker.io", false},
        {"localhost/x", "localhost", "x", "latest", "", "localhost/x:latest", "localhost", true},
        {"localhost:5000/x", "localhost:5000", "x", "latest", "", "localhost:5000/x:latest", "localhost:5000", true},
        {"127.0.0.1:5000/a/b:t@" + kDigest, "127.0.0.1:5000", "a/b", "t", kDigest,
         "127.0.0.1:5000/a/b:t@" + kDigest, "127.0.0.1:5000", true},
        {"127.1.2.3/x", "127.1.2.3", "x", "latest", "", "127.1.2.3/x:latest", "127.1.2.3", true},
        {"[::1]:5000/x", "[::1]:5000", "x", "latest", "", "[::1]:5000/x:latest", "[::1]:5000", true},
        {"[::1]/x:v2", "[::1]", "x", "v2", "", "[::1]/x:v2", "[::1]", true},
        {"[2001:db8::1]:443/x", "[2001:db8::1]:443", "x", "latest", "", "[2001:db8::1]:443/x:latest",
         "[2001:db8::1]:443", false},
        {"10.1.2.3:5000/team/app", "10.1.2.3:5000", "team/app", "latest", "", "10.1.2.3:5000/team/app:latest",
         "10.1.2.3:5000", false},
        {"reg.example.com/a/b/c:v1.2.3-rc_1", "reg.example.com", "a/b/c", "v1.2.3-rc_1", "",
         "reg.example.com/a/b/c:v1.2.3-rc_1", "reg.example.com", false},
        {"Reg.Example.com/app", "Reg.Example.com", "app", "latest", "", "Reg.Example.com/app:latest",
         "Reg.Example.com", false},
        {"reg.example.com:443/a__b/c-d/e.f/g--h", "reg.example.com:443", "a__b/c-d/e.f/g--h", "latest", "",
         "reg.example.com:443/a__b/c-d/e.f/g--h:latest", "reg.example.com:443", false},
        {"ghcr.io/org/app@" + kDigest, "ghcr.io", "org/app", "", kDigest, "ghcr.io/org/app@" + kDigest, "ghcr.io",
         false},
        {"reg.example.com/app:_Tag.With-Caps", "reg.example.com", "app", "_Tag.With-Caps", "",
         "reg.example.com/app:_Tag.With-Caps", "reg.example.com", false},
        {"reg.example.com/app:" + std::string(128, 'x'), "reg.example.com", "app", std::string(128, 'x'), "",
         "reg.example.com/app:" + std::string(128, 'x'), "reg.example.com", false},
        {"localhost:5000", "docker.io", "library/localhost", "5000", "", "docker.io/library/localhost:5000",
         "registry-1.docker.io", false},
        {"my-registry:5000/app", "my-registry:5000", "app", "latest", "", "my-registry:5000/app:latest",
         "my-registry:5000", false},
    };

    for (const ValidCase &test_case : cases) {
        SCOPED_TRACE(test_case.input);
        const Reference reference = Reference::parse(test_case.input);
        EXPECT_EQ(reference.registry(), test_case.registry);
        EXPECT_EQ(reference.repository(), test_case.repository);
        EXPECT_EQ(reference.tag(), test_case.tag);
        EXPECT_EQ(reference.digest() ? reference.digest()->str() : "", test_case.digest);
        EXPECT_EQ(reference.str(), test_case.canonical);
        EXPECT_EQ(reference.api_host(), test_case.api_host);
        EXPECT_EQ(reference.is_loopback(), test_case.loopback);
        EXPECT_EQ(reference.manifest_selector(), test_case.digest.empty() ? test_case.tag : test_case.digest);
    }
}

struct InvalidCase {
    std::string input;
    std::string expected_message_part;
};

TEST(ReferenceParse, RejectsInvalidReferencesWithTheReason) {
    const InvalidCase cases[] = {
        {"", "the reference is empty"},
        {"Busybox", "repository names must be lowercase"},
        {"docker.io/Library/busybox", "repository names must be lowercase"},
        {"reg.example.com/App:v1", "repository names must be lowercase"},
        {"reg.example.com/app:-bad", "invalid tag \"-bad\""},
        {"reg.example.com/app:.bad", "invalid tag \".bad\""},
        {"reg.example.com/app:", "invalid tag \"\""},
        {"reg.example.com/app:a+b", "invalid tag \"a+b\""},
        {"reg.example.com/app:" + std::string(129, 'x'), "invalid tag"},
        {"reg.example.com/app@sha256:xyz", "invalid digest \"sha256:xyz\""},
        {"reg.example.com/app@md5:abc", "unsupported algorithm \"md5\""},
        {"reg.example.com/app@", "invalid digest \"\""},
        {"reg.example.com//app", "empty path component"},
        {"reg.example.com/app/", "empty path component"},
        {"reg.example.com/", "missing repository name"},
        {"reg.example.com/-app", "invalid path component \"-app\""},
        {"reg.example.com/app-", "invalid path component \"app-\""},
        {"reg.example.com/a..b", "invalid path component \"a..b\""},
        {"reg.example.com/a___b", "invalid path component \"a___b\""},
        {"reg.example.com/a b", "invalid path component \"a b\""},
        {"-reg.example.com/x", "invalid registry host \"-reg.example.com\""},
        {"reg_example.com/x", "invalid registry host \"reg_example.com\""},
        {"reg.example.com:99999/x", "invalid port \"99999\""},
        {"reg.example.com:abc/x", "invalid port \"abc\""},
        {"reg.example.com:/x", "invalid port \"\""},
        {"[zz::1]:5000/x", "invalid IPv6 address"},
        {"[::1/x", "invalid IPv6 address"},
        {"[::1]x/y", "invalid IPv6 address"},
        {"reg.example.com/" + std::string(240, 'a'), "characters; the maximum is 255"},
    };

    for (const InvalidCase &test_case : cases) {
        SCOPED_TRACE(test_case.input);
        try {
            Reference::parse(test_case.input);
            ADD_FAILURE() << "accepted an invalid reference";
        } catch (const Error &error) {
            const std::string message = error.what();
            EXPECT_EQ(message.rfind("invalid reference \"" + test_case.input + "\": ", 0), 0u) << message;
            EXPECT_NE(message.find(test_case.expected_message_part), std::string::npos) << message;
        }
    }
}

TEST(ReferenceParse, NameLengthLimitCountsRegistryAndRepository) {
    // "reg.example.com/" is 16 characters, so a 239-character repository
    // makes exactly 255.
    EXPECT_NO_THROW(Reference::parse("reg.example.com/" + std::string(239, 'a')));
    EXPECT_THROW(Reference::parse("reg.example.com/" + std::string(240, 'a')), Error);
}

// A backtracking regular expression takes time exponential in the length
// of these inputs, so without the linear scanners this test does not end
// before the ctest timeout.
TEST(ReferenceParse, RejectsLongInvalidNames) {
    const InvalidCase cases[] = {
        {std::string(64, 'a') + "!", "invalid path component"},
        {"reg.example.com/" + std::string(64, 'a') + "-" + std::string(64, 'b') + "_", "invalid path component"},
        {std::string(64, 'a') + "." + std::string(64, 'b') + "_/x", "invalid registry host"},
    };

    for (const InvalidCase &test_case : cases) {
        SCOPED_TRACE(test_case.input);
        try {
            Reference::parse(test_case.input);
            ADD_FAILURE() << "accepted an invalid reference";
        } catch (const Error &error) {
            EXPECT_NE(std::string(error.what()).find(test_case.expected_message_part), std::string::npos)
                << error.what();
        }
    }
}

TEST(ReferenceWithDigest, KeepsTagAndSelectsDigest) {
    const Reference tagged = Reference::parse("reg.example.com/app:v1");
    const Reference pinned = tagged.with_digest(Digest::parse(kDigest));
    EXPECT_EQ(pinned.tag(), "v1");
    EXPECT_EQ(pinned.manifest_selector(), kDigest);
    EXPECT_EQ(pinned.str(), "reg.example.com/app:v1@" + kDigest);
    EXPECT_EQ(tagged.manifest_selector(), "v1");
}

TEST(LoopbackHost, RecognisesLoopbackForms) {
    const std::pair<std::string, bool> cases[] = {
        {"localhost", true},     {"LOCALHOST:80", true},    {"127.0.0.1", true},      {"127.255.0.9:5000", true},
        {"[::1]", true},         {"[0:0:0:0:0:0:0:1]", true}, {"[::1]:5000", true},   {"128.0.0.1", false},
        {"10.0.0.1", false},     {"[::2]", false},          {"localhost.example.com", false},
        {"127.0.0.1.example.com", false},
    };
    for (const auto &[host, expected] : cases) {
        SCOPED_TRACE(host);
        EXPECT_EQ(is_loopback_host(host), expected);
    }
}

TEST(RepositoryPath, ValidatesPathGrammar) {
    EXPECT_TRUE(is_valid_repository_path("library/busybox"));
    EXPECT_TRUE(is_valid_repository_path("a.b_c__d-e---f"));
    EXPECT_FALSE(is_valid_repository_path(""));
    EXPECT_FALSE(is_valid_repository_path("Library/busybox"));
    EXPECT_FALSE(is_valid_repository_path("a//b"));
    EXPECT_FALSE(is_valid_repository_path("../etc"));
}

}  // namespace
}  // namespace acedt::oci
