#include "logging/verbosity.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace acedt::host::logging {

namespace {

std::string to_lower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

struct LevelEntry {
    std::string plugin;  // empty for the default level
    int level = kLevelWarn;
};

// Parses "LEVEL" or "PLUGIN=LEVEL"; returns nothing when it is neither.
std::optional<LevelEntry> parse_entry(std::string_view entry) {
    const auto equals = entry.find('=');
    if (equals == std::string_view::npos) {
        const auto level = parse_level(entry);
        if (!level) return std::nullopt;
        return LevelEntry{"", *level};
    }

    const auto plugin = entry.substr(0, equals);
    const auto level = parse_level(entry.substr(equals + 1));
    if (!is_plugin_name(plugin) || !level) return std::nullopt;
    return LevelEntry{std::string(plugin), *level};
}

}  // namespace

int VerbositySettings::level_for(std::string_view plugin_name) const {
    const auto found = plugin_levels.find(plugin_name);
    return found != plugin_levels.end() ? found->second : default_level;
}

std::optional<int> parse_level(std::string_view text) {
    const std::string lower = to_lower(text);
    if (lower == "error") return kLevelError;
    if (lower == "warn") return kLevelWarn;
    if (lower == "info") return kLevelInfo;
    if (lower == "debug") return kLevelDebug;

    if (text.empty() ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    int level = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), level);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return level;
}

bool is_level_spec(std::string_view text) {
    const auto entries = split_commas(text);
    return std::all_of(entries.begin(), entries.end(),
                       [](const std::string& entry) { return parse_entry(entry).has_value(); });
}

VerbositySettings parse_verbosity(const std::vector<std::string>& values) {
    VerbositySettings settings;
    for (const auto& value : values) {
        for (const auto& entry : split_commas(value)) {
            const auto parsed = parse_entry(entry);
            if (!parsed) {
                throw VerbosityError("invalid verbosity \"" + entry + "\": expected " +
                                     std::string(kAcceptedLevelForms));
            }

            if (parsed->plugin.empty()) {
                settings.default_level = parsed->level;
            } else {
                settings.plugin_levels[parsed->plugin] = parsed->level;
            }
        }
    }
    return settings;
}

std::vector<std::string> split_commas(std::string_view text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto comma = text.find(',', start);
        if (comma == std::string_view::npos) {
            parts.emplace_back(text.substr(start));
            return parts;
        }
        parts.emplace_back(text.substr(start, comma - start));
        start = comma + 1;
    }
}

bool is_plugin_name(std::string_view name) {
    // ASCII only, whatever the locale, so names mean the same on every host.
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

}  // namespace acedt::host::logging
