#include <acedt/oci/auth.hpp>
#include <acedt/oci/error.hpp>

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace acedt::oci {
namespace {

using testing::TempDir;

std::string error_of_auths(std::string_view json) {
    try {
        parse_docker_auths(json, "/test/config.json");
    } catch (const Error &error) {
        return error.what();
    }
    return "(no error)";
}

TEST(NormalizeRegistryHost, StripsSchemePathAndCase) {
    const std::pair<std::string, std::string> cases[] = {
        {"reg.example.com", "reg.example.com"},
        {"Reg.Example.COM", "reg.example.com"},
        {"https://reg.example.com", "reg.example.com"},
        {"HTTP://Reg.Example.com:5000/", "reg.example.com:5000"},
        {"https://reg.example.com/v2/", "reg.example.com"},
        {"reg.example.com:5000/some/path", "reg.example.com:5000"},
        {"127.0.0.1:5000", "127.0.0.1:5000"},
        {"[::1]:5000", "[::1]:5000"},
        {"docker.io", "docker.io"},
        {"index.docker.io", "docker.io"},
        {"registry-1.docker.io", "docker.io"},
        {"https://index.docker.io/v1/", "docker.io"},
        {"https://registry-1.docker.io", "docker.io"},
    };
    for (const auto &[input, expected] : cases) {
        SCOPED_TRACE(input);
        EXPECT_EQ(normalize_registry_host(input), expected);
    }
}

TEST(Base64, RoundTripsAndDecodesWithoutPadding) {
    const std::string texts[] = {"", "a", "ab", "abc", "abcd", "user:pa:ss", std::string("\0\xff\x10", 3)};
    for (const std::string &text : texts) {
        SCOPED_TRACE(text);
        EXPECT_EQ(decode_base64(encode_base64(text)), text);
    }
    EXPECT_EQ(encode_base64("user:password"), "dXNlcjpwYXNzd29yZA==");
    EXPECT_EQ(decode_base64("dXNlcjpwYXNzd29yZA=="), "user:password");
    EXPECT_EQ(decode_base64("dXNlcjpwYXNzd29yZA"), "user:password");
    EXPECT_EQ(decode_base64("dXNlcjpw\nYXNzd29yZA==\n"), "user:password");
}

TEST(Base64, RejectsInvalidInputWithoutEchoingIt) {
    for (const std::string text : {"secret*", "abcde", "ab=c", "abc===", "=abc"}) {
        SCOPED_TRACE(text);
        try {
            decode_base64(text);
            ADD_FAILURE() << "accepted invalid base64";
        } catch (const Error &error) {
            const std::string message = error.what();
            EXPECT_NE(message.find("invalid base64"), std::string::npos) << message;
            EXPECT_EQ(message.find(text), std::string::npos) << message;
        }
    }
}

TEST(ParseDockerAuths, ReadsAuthFieldsAndUsernamePassword) {
    // "dXNlcjpwYTpzczp3b3Jk" is base64 of "user:pa:ss:word".
    const auto credentials = parse_docker_auths(R"({
        "auths": {
            "https://index.docker.io/v1/": {"auth": "aHViLXVzZXI6aHViLXBhc3M="},
            "Reg.Example.com:5000": {"auth": "dXNlcjpwYTpzczp3b3Jk"},
            "http://plain.example.com/": {"username": "alice", "password": "s3cret"},
            "empty.example.com": {},
            "helper.example.com": {"auth": ""}
        },
        "credsStore": "desktop"
    })", "/test/config.json");

    ASSERT_EQ(credentials.size(), 3u);
    EXPECT_EQ(credentials.at("docker.io").username, "hub-user");
    EXPECT_EQ(credentials.at("docker.io").password, "hub-pass");
    EXPECT_EQ(credentials.at("reg.example.com:5000").username, "user");
    EXPECT_EQ(credentials.at("reg.example.com:5000").password, "pa:ss:word");
    EXPECT_EQ(credentials.at("plain.example.com").username, "alice");
    EXPECT_EQ(credentials.at("plain.example.com").password, "s3cret");
}

TEST(ParseDockerAuths, AcceptsFilesWithoutAuths) {
    EXPECT_TRUE(parse_docker_auths("{}", "f").empty());
    EXPECT_TRUE(parse_docker_auths(R"({"auths": null})", "f").empty());
}

TEST(ParseDockerAuths, RejectsMalformedEntriesWithoutLeakingSecrets) {
    struct Case {
        std::string json;
        std::string expected_message_part;
        std::string secret;  // must not appear in the message
    };
    const Case cases[] = {
        {"{", "/test/config.json: not valid JSON", ""},
        {R"({"auths": []})", "/test/config.json: auths: expected a JSON object", ""},
        {R"({"auths": {"r.example.com": {"auth": "bm9jb2xvbg=="}}})",
         "auths[\"r.example.com\"].auth: the decoded value has no ':'", "nocolon"},
        {R"({"auths": {"r.example.com": {"auth": "not*base64"}}})", "auths[\"r.example.com\"].auth: invalid base64",
         "not*base64"},
        {R"({"auths": {"r.example.com": {"password": 12345678}}})",
         "auths[\"r.example.com\"].password: expected a string", "12345678"},
        {R"({"auths": {"r.example.com": "dXNlcjpwYXNz"}})", "auths[\"r.example.com\"]: expected a JSON object", ""},
    };

    for (const Case &test_case : cases) {
        SCOPED_TRACE(test_case.json);
        const std::string message = error_of_auths(test_case.json);
        EXPECT_NE(message.find(test_case.expected_message_part), std::string::npos) << message;
        if (!test_case.secret.empty()) {
            EXPECT_EQ(message.find(test_case.secret), std::string::npos) << message;
        }
    }
}

TEST(CredentialStore, ReadsTheConfiguredFileOnFirstLookup) {
    const TempDir directory;
    const auto path = directory.write("auth.json", R"({"auths": {"127.0.0.1:5000": {"auth": "dTpw"}}})");

    CredentialStore store(path.string());
    EXPECT_EQ(store.path(), path.string());
    const std::optional<Credentials> found = store.find("127.0.0.1:5000");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->username, "u");
    EXPECT_EQ(found->password, "p");
    EXPECT_FALSE(store.find("127.0.0.1:5001").has_value());
    EXPECT_FALSE(store.find("other.example.com").has_value());
}

TEST(CredentialStore, MissingFileHasNoCredentials) {
    const TempDir directory;
    CredentialStore store((directory.path() / "absent.json").string());
    EXPECT_FALSE(store.find("reg.example.com").has_value());
}

TEST(CredentialStore, InvalidFileFailsOnLookup) {
    const TempDir directory;
    const auto path = directory.write("auth.json", "{ broken");
    CredentialStore store(path.string());
    try {
        store.find("reg.example.com");
        FAIL() << "accepted an invalid file";
    } catch (const Error &error) {
        EXPECT_NE(std::string(error.what()).find(path.string() + ": not valid JSON"), std::string::npos)
            << error.what();
    }
}

TEST(CredentialStore, DefaultsToDockerConfigInHome) {
    const TempDir home;
    home.write(".docker/config.json", R"({"auths": {"docker.io": {"username": "hub", "password": "pw"}}})");

    const char *old_home = std::getenv("HOME");
    const std::string saved = old_home != nullptr ? old_home : "";
    setenv("HOME", home.path().c_str(), 1);
    CredentialStore store("");
    const std::optional<Credentials> found = store.find("index.docker.io");
    if (old_home != nullptr) {
        setenv("HOME", saved.c_str(), 1);
    } else {
        unsetenv("HOME");
    }

    EXPECT_EQ(store.path(), (home.path() / ".docker/config.json").string());
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->username, "hub");
}

}  // namespace
}  // namespace acedt::oci
