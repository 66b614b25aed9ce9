// The append-only rule of plugin.h, checked against the frozen copy of
// every released header version. Two checks run per version:
//  - layout: offsets, sizes, alignments and signedness of every member,
//    and the value of every constant, from C compilations of each copy;
//  - declarations: the text of every member, enumerator, typedef and
//    macro, which also catches edits that keep the layout (a function
//    pointer with other parameter types, a renamed member).
// Two made-up headers show that both checks can tell: synthetic/1.1 only
// appends and must pass, synthetic/edited reorders, inserts and retypes
// and must fail.
#include "layout/header_declarations.hpp"
#include "layout/layout_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

extern "C" {
const abi_fact* abi_layout_current(size_t* count);
const abi_fact* abi_layout_frozen_1_0(size_t* count);
const abi_fact* abi_layout_synthetic_1_1(size_t* count);
const abi_fact* abi_layout_synthetic_edited(size_t* count);
}

namespace acedt::tests {
namespace {

namespace fs = std::filesystem;

using LayoutFunction = const abi_fact* (*)(size_t*);

const fs::path kHeaderVersionsDir = HEADER_VERSIONS_DIR;

// Every released header version: add a line when a version is frozen.
struct FrozenVersion {
    const char* version;
    LayoutFunction layout;
    fs::path header;
};
const std::vector<FrozenVersion> kFrozenVersions = {
    {"1.0", abi_layout_frozen_1_0, kHeaderVersionsDir / "frozen/1.0/ace_dt/plugin.h"},
};

std::map<std::string, abi_fact> facts_by_name(LayoutFunction layout) {
    size_t count = 0;
    const abi_fact* facts = layout(&count);
    std::map<std::string, abi_fact> by_name;
    for (size_t index = 0; index < count; ++index) by_name[facts[index].name] = facts[index];
    return by_name;
}

// Returns one line per fact of `frozen` that `current` lacks or changed.
std::vector<std::string> find_layout_changes(LayoutFunction frozen, LayoutFunction current) {
    std::vector<std::string> changes;
    const auto now = facts_by_name(current);
    for (const auto& [name, before] : facts_by_name(frozen)) {
        const auto found = now.find(name);
        if (found == now.end()) {
            changes.push_back(name + ": missing");
            continue;
        }
        const abi_fact& after = found->second;
        if (before.text != nullptr || after.text != nullptr) {
            if (before.text == nullptr || after.text == nullptr || std::string(before.text) != after.text) {
                changes.push_back(name + ": text changed");
            }
            continue;
        }
        const bool unchanged = before.may_grow != 0 ? after.value >= before.value : after.value == before.value;
        if (!unchanged) {
            changes.push_back(name + ": was " + std::to_string(before.value) + ", is " + std::to_string(after.value));
        }
    }
    return changes;
}

std::string read_file(const fs::path& path) {
    std::ifstream stream(path);
    std::stringstream text;
    text << stream.rdbuf();
    return text.str();
}

std::vector<std::string> find_header_changes(const fs::path& frozen, const fs::path& current) {
    return find_declaration_changes(parse_header_declarations(read_file(frozen)),
                                    parse_header_declarations(read_file(current)));
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += "  " + line + "\n";
    return text;
}

bool contains(const std::vector<std::string>& lines, const std::string& needle) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& line) { return line.find(needle) != std::string::npos; });
}

TEST(AbiLayout, CurrentKeepsFrozenLayouts) {
    for (const auto& frozen : kFrozenVersions) {
        const auto changes = find_layout_changes(frozen.layout, abi_layout_current);
        EXPECT_TRUE(changes.empty()) << "plugin.h changed the layout of ABI " << frozen.version
                                     << "; append new members at the end of a table instead:\n"
                                     << join_lines(changes);
    }
}

TEST(AbiLayout, FrozenTablesAreComplete) {
    // A frozen table with no members or constants would compare nothing.
    const auto facts = facts_by_name(abi_layout_frozen_1_0);
    EXPECT_GE(facts.size(), 150u);
    EXPECT_EQ(facts.at("ACE_DT_ABI_MAJOR").value, 1);
    EXPECT_EQ(facts.at("ACE_DT_ABI_MINOR").value, 0);
}

TEST(AbiLayout, AppendedMembersPass) {
    EXPECT_TRUE(find_layout_changes(abi_layout_frozen_1_0, abi_layout_synthetic_1_1).empty())
        << join_lines(find_layout_changes(abi_layout_frozen_1_0, abi_layout_synthetic_1_1));

    const auto older = facts_by_name(abi_layout_frozen_1_0);
    const auto newer = facts_by_name(abi_layout_synthetic_1_1);
    EXPECT_GT(newer.at("sizeof(ace_dt_host_api)").value, older.at("sizeof(ace_dt_host_api)").value);
    EXPECT_GT(newer.at("sizeof(ace_dt_plugin_info)").value, older.at("sizeof(ace_dt_plugin_info)").value);
}

TEST(AbiLayout, EditedMembersFail) {
    const auto changes = find_layout_changes(abi_layout_frozen_1_0, abi_layout_synthetic_edited);
    EXPECT_TRUE(contains(changes, "offsetof(ace_dt_host_api, flag_bool)")) << join_lines(changes);
    EXPECT_TRUE(contains(changes, "offsetof(ace_dt_host_api, flag_string)")) << join_lines(changes);
    EXPECT_TRUE(contains(changes, "offsetof(ace_dt_positional, min_count)")) << join_lines(changes);
    EXPECT_TRUE(contains(changes, "signed(ace_dt_flag.type)")) << join_lines(changes);
    EXPECT_TRUE(contains(changes, "ACE_DT_LOG_INFO: was 8, is 9")) << join_lines(changes);
    EXPECT_TRUE(contains(changes, "ACE_DT_FLAG_INT: was 3, is 4")) << join_lines(changes);
}

TEST(AbiDeclarations, CurrentOnlyAppends) {
    for (const auto& frozen : kFrozenVersions) {
        const auto changes = find_header_changes(frozen.header, CURRENT_HEADER);
        EXPECT_TRUE(changes.empty()) << "plugin.h edited declarations of ABI " << frozen.version
                                     << "; append new members at the end of a table instead:\n"
                                     << join_lines(changes);
    }
}

TEST(AbiDeclarations, FrozenHeaderParses) {
    const auto declarations = parse_header_declarations(read_file(kFrozenVersions.front().header));
    EXPECT_EQ(declarations.members.size(), 7u);  // six tables and ace_dt_flag_type
    EXPECT_EQ(declarations.members.at("typedef struct ace_dt_host_api").size(), 17u);
    EXPECT_EQ(declarations.members.at("typedef struct ace_dt_flag").at(3), "int32_t type");
    EXPECT_EQ(declarations.members.at("typedef enum ace_dt_flag_type").at(3), "ACE_DT_FLAG_INT=3");
    EXPECT_EQ(declarations.macros.at("ACE_DT_ABI_MAJOR").at(0), "1");
    EXPECT_EQ(declarations.typedefs.size(), 3u);  // ace_dt_context, ace_dt_run_fn, ace_dt_plugin_entry_fn
}

TEST(AbiDeclarations, AppendedMembersPass) {
    const auto changes = find_header_changes(kFrozenVersions.front().header,
                                             kHeaderVersionsDir / "synthetic/1.1/ace_dt/plugin.h");
    EXPECT_TRUE(changes.empty()) << join_lines(changes);
}

TEST(AbiDeclarations, EditedMembersFail) {
    const auto changes = find_header_changes(kFrozenVersions.front().header,
                                             kHeaderVersionsDir / "synthetic/edited/ace_dt/plugin.h");
    EXPECT_TRUE(contains(changes, "typedef struct ace_dt_host_api: member 5")) << join_lines(changes);
    EXPECT_TRUE(contains(changes, "was \"int32_t type\", is \"uint32_t type\"")) << join_lines(changes);
    EXPECT_TRUE(contains(changes, "is \"uint32_t reserved\"")) << join_lines(changes);
    EXPECT_TRUE(contains(changes, "#define ACE_DT_LOG_INFO: was \"8\", is \"9\"")) << join_lines(changes);
    EXPECT_TRUE(contains(changes, "was \"ACE_DT_FLAG_INT=3\", is \"ACE_DT_FLAG_INT=4\"")) << join_lines(changes);
}

}  // namespace
}  // namespace acedt::tests
