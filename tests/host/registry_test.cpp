#include "plugins/registry.hpp"

#include <gtest/gtest.h>

namespace acedt::host::plugins {
namespace {

LoadedPlugin plugin(const std::string& name, std::vector<std::vector<std::string>> paths) {
    LoadedPlugin loaded;
    loaded.spec.name = name;
    loaded.file = "/plugins/" + name + ".so";
    for (auto& path : paths) {
        CommandSpec command;
        command.path = std::move(path);
        loaded.spec.commands.push_back(std::move(command));
    }
    return loaded;
}

TEST(PluginRegistry, SharedGroupIsFine) {
    PluginRegistry registry;
    EXPECT_FALSE(registry.add(plugin("a", {{"mirror", "diff"}})).has_value());
    EXPECT_FALSE(registry.add(plugin("b", {{"mirror", "gather"}})).has_value());
    EXPECT_EQ(registry.plugins().size(), 2u);
}

TEST(PluginRegistry, FirstClaimWins) {
    PluginRegistry registry;
    ASSERT_FALSE(registry.add(plugin("a", {{"mirror", "diff"}})).has_value());

    const auto same_path = registry.add(plugin("b", {{"other"}, {"mirror", "diff"}}));
    ASSERT_TRUE(same_path.has_value());
    EXPECT_EQ(*same_path, "command \"mirror diff\" is already provided by plugin a (/plugins/a.so)");

    const auto same_name = registry.add(plugin("a", {{"else"}}));
    ASSERT_TRUE(same_name.has_value());
    EXPECT_NE(same_name->find("plugin name \"a\" is already taken"), std::string::npos);

    EXPECT_EQ(registry.plugins().size(), 1u);
}

TEST(PluginRegistry, CommandAndGroupCannotShareAPath) {
    PluginRegistry registry;
    ASSERT_FALSE(registry.add(plugin("a", {{"mirror", "diff"}})).has_value());

    const auto below_command = registry.add(plugin("b", {{"mirror", "diff", "deeper"}}));
    ASSERT_TRUE(below_command.has_value());
    EXPECT_NE(below_command->find("which is a command of plugin a"), std::string::npos) << *below_command;

    const auto on_group = registry.add(plugin("c", {{"mirror"}}));
    ASSERT_TRUE(on_group.has_value());
    EXPECT_NE(on_group->find("\"mirror diff\""), std::string::npos) << *on_group;
}

TEST(PluginRegistry, BuiltinCommandsReserved) {
    PluginRegistry registry;
    for (const char* word : {"config", "plugins"}) {
        const auto conflict = registry.add(plugin(std::string("p-") + word, {{word, "x"}}));
        ASSERT_TRUE(conflict.has_value()) << word;
        EXPECT_NE(conflict->find("built-in command"), std::string::npos) << *conflict;
    }
}

TEST(PluginRegistry, GroupHelpFromFirstDescription) {
    PluginRegistry registry;
    auto first = plugin("a", {{"mirror", "diff"}});
    first.spec.groups.push_back({{"mirror"}, "From a"});
    auto second = plugin("b", {{"mirror", "gather"}});
    second.spec.groups.push_back({{"mirror"}, "From b"});
    ASSERT_FALSE(registry.add(std::move(first)).has_value());
    ASSERT_FALSE(registry.add(std::move(second)).has_value());

    EXPECT_EQ(registry.group_help({"mirror"}), "From a");
    EXPECT_FALSE(registry.group_help({"other"}).has_value());
}

}  // namespace
}  // namespace acedt::host::plugins
