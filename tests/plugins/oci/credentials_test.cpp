#include <acedt/oci/auth.hpp>
#include <acedt/oci/error.hpp>

#include "support/environment.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

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

TEST(ParseDockerAuths, KeepsIdentityTokens) {
    const auto credentials = parse_docker_auths(R"({"auths": {
        "reg.example.com": {"username": "alice", "identitytoken": "refresh-1"},
        "other.example.com": {"identitytoken": "refresh-2"}}})", "/test/config.json");
    ASSERT_EQ(credentials.size(), 2u);
    EXPECT_EQ(credentials.at("reg.example.com").username, "alice");
    EXPECT_EQ(credentials.at("reg.example.com").password, "");
    EXPECT_EQ(credentials.at("reg.example.com").identity_token, "refresh-1");
    EXPECT_EQ(credentials.at("other.example.com").identity_token, "refresh-2");
}

TEST(ParseDockerConfig, ReadsHelpersStoreAndEmptyEntries) {
    const DockerConfigFile config = parse_docker_config(R"({
        "credHelpers": {"https://Reg.Example.com/": "pass", "index.docker.io": "hub"},
        "credsStore": "secretservice",
        "auths": {"http://127.0.0.1:5000/": {}, "https://index.docker.io/v1/": {"auth": "dTpw"}}
    })", "/test/config.json");

    EXPECT_EQ(config.credential_helpers.at("reg.example.com"), "pass");
    EXPECT_EQ(config.credential_helpers.at("docker.io"), "hub");
    EXPECT_EQ(config.credentials_store, "secretservice");
    ASSERT_EQ(config.auths.count("127.0.0.1:5000"), 1u);
    EXPECT_FALSE(config.auths.at("127.0.0.1:5000").has_value()) << "an empty entry means: ask the store";
    EXPECT_EQ(config.auths.at("docker.io")->username, "u");
}

TEST(ParseDockerConfig, RejectsHelpersOfTheWrongType) {
    for (const char *json : {R"({"credHelpers": ["pass"]})", R"({"credHelpers": {"r": 1}})", R"({"credsStore": 2})"}) {
        SCOPED_TRACE(json);
        EXPECT_THROW(parse_docker_config(json, "/test/config.json"), Error);
    }
}

TEST(DefaultCredentialFiles, FollowTheSearchOrder) {
    const testing::ScopedEnvironmentVariable runtime("XDG_RUNTIME_DIR", "/run/user/1000");
    const testing::ScopedEnvironmentVariable home("HOME", "/home/alice");
    EXPECT_EQ(default_credential_files("/etc/ace/auth.json"),
              (std::vector<std::string>{"/etc/ace/auth.json", "/run/user/1000/containers/auth.json",
                                        "/home/alice/.docker/config.json"}));
    EXPECT_EQ(default_credential_files(""),
              (std::vector<std::string>{"/run/user/1000/containers/auth.json", "/home/alice/.docker/config.json"}));

    const testing::ScopedEnvironmentVariable no_runtime("XDG_RUNTIME_DIR", std::nullopt);
    const testing::ScopedEnvironmentVariable no_home("HOME", "");
    EXPECT_EQ(default_credential_files(""), std::vector<std::string>{});
}

TEST(CredentialStore, ReadsTheConfiguredFileOnFirstLookup) {
    const TempDir directory;
    const auto path = directory.write("auth.json", R"({"auths": {"127.0.0.1:5000": {"auth": "dTpw"}}})");

    CredentialStore store({path.string()});
    const CredentialLookup found = store.find("127.0.0.1:5000");
    ASSERT_TRUE(found.credentials.has_value());
    EXPECT_EQ(found.credentials->username, "u");
    EXPECT_EQ(found.credentials->password, "p");
    EXPECT_EQ(found.origin, "the auths entry in " + path.string());
    EXPECT_FALSE(store.find("127.0.0.1:5001").credentials.has_value());
    EXPECT_FALSE(store.find("other.example.com").credentials.has_value());
}

TEST(CredentialStore, EveryKeyFormFindsTheRegistry) {
    const TempDir directory;
    const std::string keys[] = {"127.0.0.1:5000", "http://127.0.0.1:5000", "https://127.0.0.1:5000/",
                                "https://127.0.0.1:5000/v2/", "HTTP://127.0.0.1:5000/some/path"};
    for (const std::string &key : keys) {
        SCOPED_TRACE(key);
        const auto path = directory.write("auth.json", R"({"auths": {")" + key + R"(": {"auth": "dTpw"}}})");
        CredentialStore store({path.string()});
        const CredentialLookup found = store.find("127.0.0.1:5000");
        ASSERT_TRUE(found.credentials.has_value());
        EXPECT_EQ(found.credentials->username, "u");
    }

    for (const std::string hub_key : {"docker.io", "index.docker.io", "registry-1.docker.io",
                                      "https://index.docker.io/v1/"}) {
        SCOPED_TRACE(hub_key);
        const auto path = directory.write("hub.json", R"({"auths": {")" + hub_key + R"(": {"auth": "dTpw"}}})");
        CredentialStore store({path.string()});
        EXPECT_TRUE(store.find("docker.io").credentials.has_value());
        EXPECT_TRUE(store.find("index.docker.io").credentials.has_value());
    }
}

TEST(CredentialStore, EarlierFilesWin) {
    const TempDir directory;
    const auto first = directory.write("first.json", R"({"auths": {"a.example.com": {"auth": "Zmlyc3Q6MQ=="}}})");
    const auto second = directory.write("second.json", R"({"auths": {"a.example.com": {"auth": "c2Vjb25kOjI="},
                                                                     "b.example.com": {"auth": "c2Vjb25kOjI="}}})");

    CredentialStore store({(directory.path() / "absent.json").string(), first.string(), second.string()});
    EXPECT_EQ(store.find("a.example.com").credentials->username, "first");
    const CredentialLookup b = store.find("b.example.com");
    EXPECT_EQ(b.credentials->username, "second");
    EXPECT_EQ(b.origin, "the auths entry in " + second.string());
    EXPECT_EQ(store.describe_files(),
              (directory.path() / "absent.json").string() + ", " + first.string() + " or " + second.string());
}

TEST(CredentialStore, ContainersAuthFileComesBeforeDockerConfig) {
    const TempDir home;
    const TempDir runtime;
    home.write(".docker/config.json", R"({"auths": {"reg.example.com": {"username": "docker", "password": "d"}}})");
    runtime.write("containers/auth.json", R"({"auths": {"reg.example.com": {"username": "podman", "password": "p"}}})");
    const testing::ScopedEnvironmentVariable home_variable("HOME", home.path().string());
    const testing::ScopedEnvironmentVariable runtime_variable("XDG_RUNTIME_DIR", runtime.path().string());

    CredentialStore store(default_credential_files(""));
    EXPECT_EQ(store.find("reg.example.com").credentials->username, "podman");
}

TEST(CredentialStore, MissingFileHasNoCredentials) {
    const TempDir directory;
    CredentialStore store({(directory.path() / "absent.json").string()});
    EXPECT_FALSE(store.find("reg.example.com").credentials.has_value());
}

TEST(CredentialStore, InvalidFileFailsOnLookup) {
    const TempDir directory;
    const auto path = directory.write("auth.json", "{ broken");
    CredentialStore store({path.string()});
    try {
        store.find("reg.example.com");
        FAIL() << "accepted an invalid file";
    } catch (const Error &error) {
        EXPECT_NE(std::string(error.what()).find(path.string() + ": not valid JSON"), std::string::npos)
            << error.what();
    }
}

// Credential helpers are shell scripts written by the tests into a
// directory put in front of PATH.
class CredentialHelperTest : public ::testing::Test {
protected:
    CredentialHelperTest()
        : path_("PATH", helpers_.path().string() + ":" + std::string(std::getenv("PATH") ? std::getenv("PATH") : "")) {}

    CredentialStore make_store(const std::string &config_json) {
        const auto path = files_.write("config.json", config_json);
        config_path_ = path.string();
        return CredentialStore({config_path_}, [this](int level, const std::string &message) {
            log_.push_back(std::to_string(level) + " " + message);
        });
    }

    std::filesystem::path record(const std::string &name) const { return files_.path() / (name + ".record"); }

    TempDir helpers_;
    TempDir files_;
    testing::ScopedEnvironmentVariable path_;
    std::string config_path_;
    std::vector<std::string> log_;
};

TEST_F(CredentialHelperTest, CredHelperGetsTheServerOnStandardInput) {
    testing::write_credential_helper(helpers_, "test", testing::answering_helper_script(record("test"), "alice", "s3cret"));
    CredentialStore store = make_store(R"({"credHelpers": {"127.0.0.1:5000": "test"}})");

    const CredentialLookup found = store.find("127.0.0.1:5000");
    ASSERT_TRUE(found.credentials.has_value());
    EXPECT_EQ(found.credentials->username, "alice");
    EXPECT_EQ(found.credentials->password, "s3cret");
    EXPECT_FALSE(found.credentials->has_identity_token());
    EXPECT_EQ(found.origin, "docker-credential-test (credHelpers in " + config_path_ + ")");
    EXPECT_EQ(testing::read_file(record("test")), "get 127.0.0.1:5000");

    store.find("127.0.0.1:5000");
    EXPECT_EQ(testing::read_file(record("test")), "get 127.0.0.1:5000") << "the helper runs once per registry";
}

TEST_F(CredentialHelperTest, DockerHubUsesItsIndexUrl) {
    testing::write_credential_helper(helpers_, "hub", testing::answering_helper_script(record("hub"), "bob", "pw"));
    CredentialStore store = make_store(R"({"credsStore": "hub"})");

    EXPECT_EQ(store.find("index.docker.io").credentials->username, "bob");
    EXPECT_EQ(testing::read_file(record("hub")), "get https://index.docker.io/v1/");
}

TEST_F(CredentialHelperTest, CredHelpersComeBeforeCredsStoreAndAuths) {
    testing::write_credential_helper(helpers_, "specific", testing::answering_helper_script(record("s"), "specific", "1"));
    testing::write_credential_helper(helpers_, "store", testing::answering_helper_script(record("t"), "store", "2"));
    CredentialStore store = make_store(R"({
        "credHelpers": {"a.example.com": "specific"},
        "credsStore": "store",
        "auths": {"a.example.com": {"auth": "aW5saW5lOjM="}, "b.example.com": {"auth": "aW5saW5lOjM="}}})");

    EXPECT_EQ(store.find("a.example.com").credentials->username, "specific");
    EXPECT_EQ(store.find("b.example.com").credentials->username, "store") << "credsStore before the inline entry";
    EXPECT_EQ(store.find("c.example.com").credentials->username, "store") << "credsStore serves every registry";
}

TEST_F(CredentialHelperTest, EmptyAuthsEntryAsksTheStore) {
    testing::write_credential_helper(helpers_, "store", testing::answering_helper_script(record("t"), "stored", "2"));
    CredentialStore store = make_store(R"({"credsStore": "store", "auths": {"https://a.example.com": {}}})");
    EXPECT_EQ(store.find("a.example.com").credentials->username, "stored");
}

TEST_F(CredentialHelperTest, TokenUserMeansIdentityToken) {
    testing::write_credential_helper(helpers_, "test", testing::answering_helper_script(record("t"), "<token>", "refresh"));
    CredentialStore store = make_store(R"({"credHelpers": {"a.example.com": "test"}})");

    const CredentialLookup found = store.find("a.example.com");
    ASSERT_TRUE(found.credentials.has_value());
    EXPECT_EQ(found.credentials->identity_token, "refresh");
    EXPECT_EQ(found.credentials->username, "");
    EXPECT_EQ(found.credentials->password, "") << "an identity token is never a password";
}

TEST_F(CredentialHelperTest, NotFoundFallsBackToInlineEntry) {
    testing::write_credential_helper(helpers_, "empty", testing::not_found_helper_script());
    CredentialStore store = make_store(R"({"credHelpers": {"a.example.com": "empty", "b.example.com": "empty"},
                                           "auths": {"a.example.com": {"auth": "aW5saW5lOjM="}}})");

    EXPECT_EQ(store.find("a.example.com").credentials->username, "inline");
    EXPECT_FALSE(store.find("b.example.com").credentials.has_value()) << "nothing found means anonymous";
    store.find("b.example.com");

    ASSERT_EQ(log_.size(), 2u) << ::testing::PrintToString(log_);
    EXPECT_EQ(log_[1], "4 no credentials for b.example.com from docker-credential-empty (credHelpers in " +
                           config_path_ + "): it has no credentials for this registry; continuing without them "
                                          "unless another source has some");
}

TEST_F(CredentialHelperTest, MissingHelperMeansAnonymousWithOneWarning) {
    CredentialStore store = make_store(R"({"credsStore": "absent"})");

    EXPECT_FALSE(store.find("a.example.com").credentials.has_value());
    EXPECT_FALSE(store.find("a.example.com").credentials.has_value());
    ASSERT_EQ(log_.size(), 1u) << ::testing::PrintToString(log_);
    EXPECT_NE(log_[0].find("docker-credential-absent was not found in PATH"), std::string::npos) << log_[0];
}

TEST_F(CredentialHelperTest, FailingHelperOutputIsNotRepeated) {
    testing::write_credential_helper(helpers_, "broken", "cat > /dev/null\necho 'token=leaked-secret'\n"
                                                         "echo 'more leaked-secret' >&2\nexit 3\n");
    testing::write_credential_helper(helpers_, "garbled", "cat > /dev/null\necho '{\"Secret\": 5, \"x\": \"leaked-secret\"}'\n");
    CredentialStore store = make_store(R"({"credHelpers": {"a.example.com": "broken", "b.example.com": "garbled"}})");

    EXPECT_FALSE(store.find("a.example.com").credentials.has_value());
    EXPECT_FALSE(store.find("b.example.com").credentials.has_value());
    ASSERT_EQ(log_.size(), 2u);
    EXPECT_NE(log_[0].find("docker-credential-broken get exited with status 3"), std::string::npos) << log_[0];
    EXPECT_NE(log_[1].find("docker-credential-garbled wrote an answer without the string fields"), std::string::npos)
        << log_[1];
    for (const std::string &line : log_) {
        EXPECT_EQ(line.find("leaked-secret"), std::string::npos) << line;
    }
}

TEST_F(CredentialHelperTest, SlowHelperTimesOut) {
    testing::write_credential_helper(helpers_, "slow", "sleep 5\n");
    const auto path = files_.write("config.json", R"({"credsStore": "slow"})");
    CredentialStore store({path.string()}, [this](int, const std::string &message) { log_.push_back(message); },
                          std::chrono::milliseconds(200));

    EXPECT_FALSE(store.find("a.example.com").credentials.has_value());
    ASSERT_EQ(log_.size(), 1u);
    EXPECT_NE(log_[0].find("docker-credential-slow get did not finish within 200 ms"), std::string::npos) << log_[0];
}

TEST_F(CredentialHelperTest, HelperNamesMustBePlainNames) {
    for (const std::string name : {"../bin/evil", "/usr/bin/x", ""}) {
        SCOPED_TRACE(name);
        CredentialStore store = make_store(R"({"credsStore": ")" + name + R"("})");
        if (name.empty()) {
            EXPECT_FALSE(store.find("a.example.com").credentials.has_value()) << "an empty credsStore is unset";
            continue;
        }
        try {
            store.find("a.example.com");
            ADD_FAILURE() << "accepted the helper name";
        } catch (const Error &error) {
            EXPECT_NE(std::string(error.what()).find("invalid credential helper name"), std::string::npos)
                << error.what();
        }
    }
}

}  // namespace
}  // namespace acedt::oci
