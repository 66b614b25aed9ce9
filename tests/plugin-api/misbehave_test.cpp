// A plugin that breaks the rules of the plugin API short of crashing the
// process: the host keeps its standard output and exit status intact.
#include "host_fixture.hpp"

#include <string>

namespace acedt::tests {
namespace {

class MisbehaveTest : public HostFixture {
protected:
    void SetUp() override {
        HostFixture::SetUp();
        link_plugin("test-misbehave");
    }
};

bool has_raw_control_bytes(const std::string& text) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && byte != '\n' && byte != '\t') || byte == 0x7F) return true;
    }
    return false;
}

TEST_F(MisbehaveTest, LogFloodIsCutAndOutputKept) {
    const auto result = run({"misbehave", "flood"});
    EXPECT_EQ(result.exit_code, 0) << result.err.substr(0, 400);
    EXPECT_EQ(result.out, "result\n");
    EXPECT_EQ(count_occurrences(result.err, "more bytes cut)"), 3);
    // Three messages of at most 64 KiB each, plus log prefixes.
    EXPECT_LT(result.err.size(), 4u * 64 * 1024) << "standard error holds " << result.err.size() << " bytes";
}

TEST_F(MisbehaveTest, ErrorTextIsEscaped) {
    const auto result = run({"misbehave", "text"});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_EQ(result.out, "");
    EXPECT_FALSE(has_raw_control_bytes(result.err)) << result.err;
    EXPECT_NE(result.err.find("Error: bad \\x1B[2J\\x1B[31mred\\x07 \\xFF\\xFE bytes"), std::string::npos)
        << result.err;
}

TEST_F(MisbehaveTest, RunGuardedCatchesAnyType) {
    const auto result = run({"misbehave", "guarded"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("Error: unexpected error of unknown type"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace acedt::tests
