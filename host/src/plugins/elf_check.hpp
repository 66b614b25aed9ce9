// A check of plugin files before they are loaded.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace acedt::host::plugins {

/// Returns why `file` is a truncated ELF file of this machine's class, or
/// nothing when it is complete or not such a file (the loader reports
/// those). The dynamic loader maps segments without comparing them with
/// the file size, and touching a page past the end of a file raises
/// SIGBUS, so a half-copied plugin would end the host instead of being
/// skipped.
std::optional<std::string> find_truncation(const std::filesystem::path& file);

}  // namespace acedt::host::plugins
