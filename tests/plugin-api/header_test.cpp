// plugin.h compiled as C++: the test plugins compile it as C99.
#include <ace_dt/plugin.h>

#include <gtest/gtest.h>

#include <cstddef>
#include <type_traits>

namespace {

// Every table starts with struct_size, so a reader can check it first.
static_assert(offsetof(ace_dt_flag, struct_size) == 0);
static_assert(offsetof(ace_dt_positional, struct_size) == 0);
static_assert(offsetof(ace_dt_command, struct_size) == 0);
static_assert(offsetof(ace_dt_group, struct_size) == 0);
static_assert(offsetof(ace_dt_plugin_info, struct_size) == 0);
static_assert(offsetof(ace_dt_host_api, struct_size) == 0);
static_assert(std::is_standard_layout_v<ace_dt_host_api>);
static_assert(std::is_trivially_copyable_v<ace_dt_plugin_info>);

TEST(PluginHeader, HasMemberRespectsStructSize) {
    ace_dt_command command{};
    command.struct_size = offsetof(ace_dt_command, usage);
    EXPECT_TRUE(ACE_DT_HAS_MEMBER(&command, ace_dt_command, path));
    EXPECT_FALSE(ACE_DT_HAS_MEMBER(&command, ace_dt_command, usage));

    command.struct_size = sizeof(ace_dt_command);
    EXPECT_TRUE(ACE_DT_HAS_MEMBER(&command, ace_dt_command, user_data));
}

TEST(PluginHeader, HasMemberRejectsNull) {
    const ace_dt_command* command = nullptr;
    EXPECT_FALSE(ACE_DT_HAS_MEMBER(command, ace_dt_command, path));
}

TEST(PluginHeader, ConstantsMatchVerbosityScale) {
    EXPECT_EQ(ACE_DT_LOG_ERROR, 0);
    EXPECT_EQ(ACE_DT_LOG_WARN, 4);
    EXPECT_EQ(ACE_DT_LOG_INFO, 8);
    EXPECT_EQ(ACE_DT_LOG_DEBUG, 12);
    EXPECT_EQ(ACE_DT_EXIT_USAGE, 2);
    EXPECT_EQ(ACE_DT_EXIT_INTERRUPTED, 130);
}

}  // namespace
