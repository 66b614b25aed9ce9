#include "cli/command_tree.hpp"
#include "cli/help.hpp"

#include <gtest/gtest.h>

namespace acedt::host::cli {
namespace {

plugins::CommandSpec diff_command() {
    plugins::CommandSpec command;
    command.path = {"mirror", "diff"};
    command.short_help = "List images";
    command.positionals = {{"MIRROR-ARTIFACT", "", 1, 1}, {"EXISTING-IMAGE", "", 0, ACE_DT_UNLIMITED}};
    return command;
}

TEST(FormatFlagTable, AlignsHelpColumn) {
    const std::string table = format_flag_table({
        {0, "expand", "", "expand nested artifacts", ""},
        {'o', "output", "strings", "output formats", "[table]"},
    });
    EXPECT_EQ(table,
              "      --expand           expand nested artifacts\n"
              "  -o, --output strings   output formats (default [table])\n");
}

TEST(FormatFlagTable, IndentsContinuationLines) {
    const std::string table = format_flag_table({{'x', "long", "", "first line\nsecond line", ""}});
    EXPECT_EQ(table, "  -x, --long   first line\n               second line\n");
}

TEST(UsageLine, BuiltFromPositionals) {
    EXPECT_EQ(usage_line(diff_command()), "ace-dt mirror diff MIRROR-ARTIFACT [EXISTING-IMAGE...] [flags]");
}

TEST(UsageLine, UsesPluginUsage) {
    auto command = diff_command();
    command.usage = "diff A [B...]";
    EXPECT_EQ(usage_line(command), "ace-dt mirror diff A [B...] [flags]");

    command.usage = "A [B...]";
    EXPECT_EQ(usage_line(command), "ace-dt mirror diff A [B...] [flags]");

    command.usage = "differ A";
    EXPECT_EQ(usage_line(command), "ace-dt mirror diff differ A [flags]");
}

TEST(UsageLine, AcceptsCompleteLine) {
    auto command = diff_command();
    command.usage = "ace-dt mirror diff A [B...] [flags]";
    EXPECT_EQ(usage_line(command), "ace-dt mirror diff A [B...] [flags]");

    command.usage = "diff A [flags]";
    EXPECT_EQ(usage_line(command), "ace-dt mirror diff A [flags]");
}

TEST(FlagHelp, TypesAndDefaults) {
    plugins::FlagSpec list;
    list.long_name = "output";
    list.type = plugins::FlagType::kStringList;
    list.default_list = {"table", "json"};
    EXPECT_EQ(flag_help(list).value_text, "strings");
    EXPECT_EQ(flag_help(list).default_text, "[table,json]");

    plugins::FlagSpec text;
    text.type = plugins::FlagType::kString;
    text.value_name = "FILE";
    text.default_string = "out.txt";
    EXPECT_EQ(flag_help(text).value_text, "FILE");
    EXPECT_EQ(flag_help(text).default_text, "\"out.txt\"");

    plugins::FlagSpec number;
    number.type = plugins::FlagType::kInt;
    EXPECT_EQ(flag_help(number).value_text, "int");
    EXPECT_EQ(flag_help(number).default_text, "");

    plugins::FlagSpec toggle;
    toggle.type = plugins::FlagType::kBool;
    toggle.default_bool = true;
    EXPECT_EQ(flag_help(toggle).value_text, "");
    EXPECT_EQ(flag_help(toggle).default_text, "true");
}

TEST(HelpFormatter, GlobalOptionsShowConfigPaths) {
    HelpFormatter formatter(std::make_shared<HelpCatalog>(), {"a.yaml", "/b/c.yaml"});
    const auto rows = formatter.global_options();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].long_name, "config");
    EXPECT_EQ(rows[0].default_text, "[a.yaml,/b/c.yaml]");
    EXPECT_EQ(rows[1].short_name, 'r');
    EXPECT_EQ(rows[2].value_text, "strings[=warn]");
    EXPECT_EQ(rows[2].default_text, "[warn]");
}

}  // namespace
}  // namespace acedt::host::cli
