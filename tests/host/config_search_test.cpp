#include "config/loader.hpp"
#include "config/search.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <fstream>

namespace acedt::host::config {
namespace {

namespace fs = std::filesystem;

class ConfigFiles : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "ace-dt-config-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
    }

    void TearDown() override { fs::remove_all(root_); }

    fs::path write(const std::string& name, const std::string& text) {
        const fs::path path = root_ / name;
        std::ofstream(path) << text;
        return path;
    }

    std::string load_error(const SearchList& list, const Environment& environment) {
        try {
            load_configuration(list, environment);
        } catch (const ConfigError& error) {
            return error.what();
        }
        return "<no error>";
    }

    fs::path root_;
};

const Environment kHome = Environment::from_map({{"HOME", "/home/tester"}});

TEST(DefaultConfigPaths, XdgOrHome) {
    EXPECT_EQ(default_config_paths(kHome),
              (std::vector<fs::path>{"ace-dt-config.yaml", "/home/tester/.config/ace/dt/config.yaml",
                                     "/etc/ace/dt/config.yaml"}));
    const auto xdg = default_config_paths(Environment::from_map({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "/x"}}));
    EXPECT_EQ(xdg[1], fs::path("/x/ace/dt/config.yaml"));
}

TEST(ResolveSearchList, OptionBeatsEnvironmentBeatsDefault) {
    const auto environment = Environment::from_map({{"HOME", "/h"}, {"ACE_DT_CONFIG", "/a.yaml::/b.yaml"}});

    const auto from_option = resolve_search_list({"one.yaml", "two.yaml"}, environment);
    EXPECT_EQ(from_option.origin, SearchOrigin::kOption);
    EXPECT_EQ(from_option.paths, (std::vector<fs::path>{"one.yaml", "two.yaml"}));

    const auto from_environment = resolve_search_list({}, environment);
    EXPECT_EQ(from_environment.origin, SearchOrigin::kEnvironment);
    EXPECT_EQ(from_environment.paths, (std::vector<fs::path>{"/a.yaml", "/b.yaml"}));

    const auto from_default = resolve_search_list({}, kHome);
    EXPECT_EQ(from_default.origin, SearchOrigin::kDefault);
    EXPECT_EQ(from_default.paths, default_config_paths(kHome));
}

TEST_F(ConfigFiles, FirstPresentFileWins) {
    const auto second = write("second.yaml", "apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n"
                                             "concurrentHTTP: 2\n");
    const auto third = write("third.yaml", "apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n"
                                           "concurrentHTTP: 3\n");
    const SearchList list{{root_ / "missing.yaml", second, third}, SearchOrigin::kOption};

    const auto loaded = load_configuration(list, kHome);
    ASSERT_TRUE(loaded.source.has_value());
    EXPECT_EQ(*loaded.source, second);
    EXPECT_EQ(loaded.configuration.concurrent_http, 2);
}

TEST_F(ConfigFiles, SizeLimitedToOneMebibyte) {
    const std::string header = "apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n";
    std::string at_limit = header;
    at_limit += std::string(kMaxConfigFileBytes - header.size(), '\n');
    const auto largest = write("largest.yaml", at_limit);
    EXPECT_EQ(load_configuration(SearchList{{largest}, SearchOrigin::kOption}, kHome).configuration.concurrent_http, 25);

    const auto larger = write("larger.yaml", at_limit + "\n");
    EXPECT_EQ(load_error(SearchList{{larger}, SearchOrigin::kOption}, kHome),
              "configuration file " + larger.string() +
                  " is larger than the limit of 1048576 bytes: check that --config or ACE_DT_CONFIG names a YAML "
                  "configuration file");
}

TEST_F(ConfigFiles, LaterBrokenFileIgnored) {
    const auto good = write("good.yaml", "");
    const auto broken = write("broken.yaml", "concurrentHTTP: [");
    const auto loaded = load_configuration(SearchList{{good, broken}, SearchOrigin::kOption}, kHome);
    EXPECT_EQ(loaded.configuration.concurrent_http, 25);
}

TEST_F(ConfigFiles, NoFileMeansDefaultsOnlyForDefaultList) {
    const SearchList list{{root_ / "a.yaml", root_ / "b.yaml"}, SearchOrigin::kDefault};
    const auto loaded = load_configuration(list, kHome);
    EXPECT_FALSE(loaded.source.has_value());
    EXPECT_EQ(loaded.configuration.cache_path, "/home/tester/.cache/ace/dt");
}

TEST_F(ConfigFiles, ExplicitMissingFilesAreError) {
    const std::vector<fs::path> paths = {root_ / "a.yaml", root_ / "b.yaml"};
    const std::string joined = paths[0].string() + ", " + paths[1].string();

    EXPECT_EQ(load_error(SearchList{paths, SearchOrigin::kOption}, kHome),
              "none of the configuration files given with --config exists: " + joined);
    EXPECT_EQ(load_error(SearchList{paths, SearchOrigin::kEnvironment}, kHome),
              "none of the configuration files listed in ACE_DT_CONFIG exists: " + joined);
}

TEST_F(ConfigFiles, UnreadableFileIsError) {
    fs::create_directory(root_ / "dir.yaml");
    const std::string message = load_error(SearchList{{root_ / "dir.yaml"}, SearchOrigin::kDefault}, kHome);
    EXPECT_EQ(message, "cannot read configuration file " + (root_ / "dir.yaml").string() + ": it is a directory");

    fs::create_symlink(root_ / "nowhere.yaml", root_ / "dangling.yaml");
    const std::string dangling = load_error(SearchList{{root_ / "dangling.yaml"}, SearchOrigin::kDefault}, kHome);
    EXPECT_EQ(dangling.rfind("cannot read configuration file " + (root_ / "dangling.yaml").string() + ": ", 0), 0u)
        << dangling;
}

TEST_F(ConfigFiles, ErrorNamesFilePath) {
    const auto path = write("bad.yaml", "apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n"
                                        "concurrentHTTP: abc\n");
    EXPECT_EQ(load_error(SearchList{{path}, SearchOrigin::kOption}, kHome),
              path.string() + ":3: concurrentHTTP: expected a positive integer, got \"abc\"");
}

TEST_F(ConfigFiles, OverridesApplyAfterFile) {
    const auto path = write("c.yaml", "apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n"
                                      "cachePath: /file\n");
    const auto environment = Environment::from_map({{"HOME", "/h"}, {"ACE_DT_CACHE_PATH", "/env"}});
    EXPECT_EQ(load_configuration(SearchList{{path}, SearchOrigin::kOption}, environment).configuration.cache_path,
              "/env");
}

TEST_F(ConfigFiles, OverridesApplyWithoutFile) {
    const auto environment = Environment::from_map({{"HOME", "/h"}, {"ACE_DT_CONCURRENT_HTTP", "9"}});
    const auto loaded = load_configuration(SearchList{{root_ / "none.yaml"}, SearchOrigin::kDefault}, environment);
    EXPECT_EQ(loaded.configuration.concurrent_http, 9);
}

}  // namespace
}  // namespace acedt::host::config
