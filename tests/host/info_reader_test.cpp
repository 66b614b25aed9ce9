#include "plugins/info_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace acedt::host::plugins {
namespace {

int run_nothing(ace_dt_context*, void*) { return 0; }

// A valid plugin description that each test changes in one place.
struct InfoBuilder {
    ace_dt_positional positionals[2] = {
        {sizeof(ace_dt_positional), "FIRST", nullptr, 1, 1},
        {sizeof(ace_dt_positional), "REST", nullptr, 0, ACE_DT_UNLIMITED},
    };
    ace_dt_flag flags[2] = {
        {sizeof(ace_dt_flag), "output", 'o', ACE_DT_FLAG_STRING_LIST, "formats", "table", nullptr},
        {sizeof(ace_dt_flag), "count", 0, ACE_DT_FLAG_INT, "a number", "-3", nullptr},
    };
    ace_dt_command commands[1] = {
        {sizeof(ace_dt_command), "mirror diff", nullptr, "short", nullptr, nullptr, positionals, 2, flags, 2,
         run_nothing, nullptr},
    };
    ace_dt_group groups[1] = {{sizeof(ace_dt_group), "mirror", "Mirror commands"}};
    ace_dt_plugin_info info = {
        sizeof(ace_dt_plugin_info), ACE_DT_ABI_MAJOR, ACE_DT_ABI_MINOR, "mirror-diff", "0.1.0", nullptr, commands,
        1, groups, 1,
    };
};

std::string rejection(const ace_dt_plugin_info* info) {
    try {
        read_plugin_info(info);
    } catch (const InvalidPlugin& error) {
        return error.what();
    }
    return "<accepted>";
}

TEST(ReadPluginInfo, CopiesValidDescription) {
    InfoBuilder builder;
    const PluginSpec spec = read_plugin_info(&builder.info);

    EXPECT_EQ(spec.name, "mirror-diff");
    ASSERT_EQ(spec.commands.size(), 1u);
    const CommandSpec& command = spec.commands[0];
    EXPECT_EQ(command.path, (std::vector<std::string>{"mirror", "diff"}));
    ASSERT_EQ(command.flags.size(), 2u);
    EXPECT_EQ(command.flags[0].default_list, (std::vector<std::string>{"table"}));
    EXPECT_EQ(command.flags[1].default_int, -3);
    ASSERT_EQ(spec.groups.size(), 1u);
    EXPECT_EQ(spec.groups[0].short_help, "Mirror commands");
}

TEST(ReadPluginInfo, RejectsNullAndOtherMajor) {
    EXPECT_EQ(rejection(nullptr), "the entry function returned NULL");

    InfoBuilder builder;
    builder.info.abi_major = ACE_DT_ABI_MAJOR + 1;
    EXPECT_NE(rejection(&builder.info).find("built for ABI 2.0"), std::string::npos);
}

TEST(ReadPluginInfo, RejectsSmallStructSize) {
    InfoBuilder info_builder;
    info_builder.info.struct_size = offsetof(ace_dt_plugin_info, groups);
    EXPECT_NE(rejection(&info_builder.info).find("ace_dt_plugin_info: struct_size is"), std::string::npos);

    InfoBuilder command_builder;
    command_builder.commands[0].struct_size = offsetof(ace_dt_command, run);
    EXPECT_NE(rejection(&command_builder.info).find("commands[0]: struct_size is"), std::string::npos)
        << rejection(&command_builder.info);
}

TEST(ReadPluginInfo, RejectsMixedElementSizes) {
    InfoBuilder builder;
    builder.flags[1].struct_size = sizeof(ace_dt_flag) + 8;
    EXPECT_NE(rejection(&builder.info).find("all elements must have the same size"), std::string::npos)
        << rejection(&builder.info);
}

TEST(ReadPluginInfo, ReadsLargerElementsWithTheirStride) {
    struct WideFlag {
        ace_dt_flag base;
        long long appended;
    };
    InfoBuilder builder;
    WideFlag wide[2] = {
        {{sizeof(WideFlag), "alpha", 'a', ACE_DT_FLAG_BOOL, "first", nullptr, nullptr}, 1},
        {{sizeof(WideFlag), "beta", 'b', ACE_DT_FLAG_INT, "second", "5", nullptr}, 2},
    };
    builder.commands[0].flags = &wide[0].base;

    const PluginSpec spec = read_plugin_info(&builder.info);
    ASSERT_EQ(spec.commands[0].flags.size(), 2u);
    EXPECT_EQ(spec.commands[0].flags[1].long_name, "beta");
    EXPECT_EQ(spec.commands[0].flags[1].default_int, 5);
}

TEST(ReadPluginInfo, RejectsMissingStrings) {
    InfoBuilder no_name;
    no_name.info.name = nullptr;
    EXPECT_EQ(rejection(&no_name.info), "ace_dt_plugin_info.name is NULL");

    InfoBuilder no_version;
    no_version.info.version = nullptr;
    EXPECT_EQ(rejection(&no_version.info), "ace_dt_plugin_info.version is NULL");

    InfoBuilder no_help;
    no_help.commands[0].short_help = nullptr;
    EXPECT_EQ(rejection(&no_help.info), "command \"mirror diff\": short_help is NULL");

    InfoBuilder no_run;
    no_run.commands[0].run = nullptr;
    EXPECT_EQ(rejection(&no_run.info), "command \"mirror diff\": run is NULL");

    InfoBuilder no_array;
    no_array.commands[0].flags = nullptr;
    EXPECT_NE(rejection(&no_array.info).find("flags is NULL but its count is 2"), std::string::npos);
}

TEST(ReadPluginInfo, RejectsBadNames) {
    InfoBuilder plugin_name;
    plugin_name.info.name = "mirror diff";
    EXPECT_NE(rejection(&plugin_name.info).find("plugin name \"mirror diff\" is invalid"), std::string::npos);

    for (const char* path : {"mirror  diff", " mirror", "mirror/diff", "", "-x diff"}) {
        InfoBuilder builder;
        builder.commands[0].path = path;
        EXPECT_NE(rejection(&builder.info).find("is invalid"), std::string::npos) << '"' << path << '"';
    }
}

TEST(ReadPluginInfo, RejectsFlagsTheHostOwns) {
    for (const char* name : {"help", "config", "recursive", "verbosity"}) {
        InfoBuilder builder;
        builder.flags[1].long_name = name;
        EXPECT_NE(rejection(&builder.info).find("is reserved by the host"), std::string::npos) << name;
    }
    for (const char name : {'h', 'r', 'v'}) {
        InfoBuilder builder;
        builder.flags[1].short_name = name;
        EXPECT_NE(rejection(&builder.info).find("is reserved by the host"), std::string::npos) << name;
    }
}

TEST(ReadPluginInfo, RejectsDuplicateFlags) {
    InfoBuilder long_names;
    long_names.flags[1].long_name = "output";
    EXPECT_EQ(rejection(&long_names.info), "command \"mirror diff\": flag --output is declared twice");

    InfoBuilder short_names;
    short_names.flags[1].short_name = 'o';
    EXPECT_EQ(rejection(&short_names.info), "command \"mirror diff\": short flag -o is declared twice");
}

TEST(ReadPluginInfo, RejectsBadFlagDefinitions) {
    InfoBuilder type;
    type.flags[1].type = 9;
    EXPECT_NE(rejection(&type.info).find("unknown type 9"), std::string::npos);

    InfoBuilder integer;
    integer.flags[1].default_value = "seven";
    EXPECT_NE(rejection(&integer.info).find("default \"seven\" is not a 64-bit integer"), std::string::npos);

    InfoBuilder boolean;
    boolean.flags[1].type = ACE_DT_FLAG_BOOL;
    boolean.flags[1].default_value = "yes";
    EXPECT_NE(rejection(&boolean.info).find("default \"yes\" is not \"true\" or \"false\""), std::string::npos);

    InfoBuilder short_name;
    short_name.flags[1].short_name = '-';
    EXPECT_NE(rejection(&short_name.info).find("short_name must be an ASCII letter or digit"), std::string::npos);
}

TEST(ReadPluginInfo, RejectsBadPositionalRules) {
    InfoBuilder variable_first;
    variable_first.positionals[0].max_count = 3;
    EXPECT_NE(rejection(&variable_first.info).find("only the last positional"), std::string::npos);

    InfoBuilder zero_max;
    zero_max.positionals[1].max_count = 0;
    EXPECT_NE(rejection(&zero_max.info).find("max_count must be at least 1"), std::string::npos);

    InfoBuilder required_after_optional;
    required_after_optional.positionals[0] = {sizeof(ace_dt_positional), "OPTIONAL", nullptr, 0, 1};
    required_after_optional.positionals[1] = {sizeof(ace_dt_positional), "REQUIRED", nullptr, 1, 1};
    EXPECT_NE(rejection(&required_after_optional.info).find("only the last positional"), std::string::npos);
}

TEST(ReadPluginInfo, RejectsCommandPathClashesWithinPlugin) {
    InfoBuilder builder;
    ace_dt_command commands[2] = {builder.commands[0], builder.commands[0]};
    builder.info.commands = commands;
    builder.info.command_count = 2;
    EXPECT_EQ(rejection(&builder.info), "command \"mirror diff\" is declared twice");

    commands[1].path = "mirror";
    EXPECT_NE(rejection(&builder.info).find("command \"mirror\" is also the group of \"mirror diff\""),
              std::string::npos)
        << rejection(&builder.info);
}

}  // namespace
}  // namespace acedt::host::plugins
