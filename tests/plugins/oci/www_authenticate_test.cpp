#include <acedt/oci/auth.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace acedt::oci {
namespace {

struct ExpectedChallenge {
    std::string scheme;
    std::map<std::string, std::string> parameters;
};

struct Case {
    std::string header;
    std::vector<ExpectedChallenge> expected;
};

TEST(ParseWwwAuthenticate, ReadsChallenges) {
    const Case cases[] = {
        {R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull")",
         {{"bearer",
           {{"realm", "https://auth.example.com/token"},
            {"service", "registry.example.com"},
            {"scope", "repository:a/b:pull"}}}}},
        {R"(Basic realm="Registry Realm")", {{"basic", {{"realm", "Registry Realm"}}}}},
        {R"(BEARER Realm="x", SERVICE=y)", {{"bearer", {{"realm", "x"}, {"service", "y"}}}}},
        {R"(Bearer realm="a, b \"c\" \\ d",service=svc)", {{"bearer", {{"realm", R"(a, b "c" \ d)"}, {"service", "svc"}}}}},
        {R"(Basic realm="r", Bearer realm="https://t/token", service="s")",
         {{"basic", {{"realm", "r"}}}, {"bearer", {{"realm", "https://t/token"}, {"service", "s"}}}}},
        {R"(Bearer realm="x",scope="repository:a:pull repository:b:pull")",
         {{"bearer", {{"realm", "x"}, {"scope", "repository:a:pull repository:b:pull"}}}}},
        {"Bearer  realm = \"x\" ,\t service = \"y\"", {{"bearer", {{"realm", "x"}, {"service", "y"}}}}},
        {"Bearer realm=https://auth.example.com/token,service=reg",
         {{"bearer", {{"realm", "https://auth.example.com/token"}, {"service", "reg"}}}}},
        {"Negotiate", {{"negotiate", {}}}},
        {"Negotiate, Basic realm=\"r\"", {{"negotiate", {}}, {"basic", {{"realm", "r"}}}}},
        {R"(Bearer realm="unterminated)", {{"bearer", {{"realm", "unterminated"}}}}},
        {R"(Bearer realm="")", {{"bearer", {{"realm", ""}}}}},
        {R"(Bearer realm="x" Basic realm="y")", {{"bearer", {{"realm", "x"}}}, {"basic", {{"realm", "y"}}}}},
        {"", {}},
        {" , ,", {}},
    };

    for (const Case &test_case : cases) {
        SCOPED_TRACE(test_case.header);
        const std::vector<AuthChallenge> challenges = parse_www_authenticate(test_case.header);
        ASSERT_EQ(challenges.size(), test_case.expected.size());
        for (std::size_t i = 0; i < challenges.size(); ++i) {
            EXPECT_EQ(challenges[i].scheme, test_case.expected[i].scheme);
            EXPECT_EQ(challenges[i].parameters, test_case.expected[i].parameters);
        }
    }
}

}  // namespace
}  // namespace acedt::oci
