#include "config/search.hpp"

#include <system_error>

namespace acedt::host::config {

std::vector<std::filesystem::path> default_config_paths(const Environment& environment) {
    return {
        "ace-dt-config.yaml",
        xdg_directory(environment, "XDG_CONFIG_HOME", ".config") / "ace/dt/config.yaml",
        "/etc/ace/dt/config.yaml",
    };
}

SearchList resolve_search_list(const std::vector<std::string>& option_values,
                               const Environment& environment) {
    SearchList list;
    for (const auto& value : option_values) {
        if (!value.empty()) list.paths.emplace_back(value);
    }
    if (!option_values.empty()) {
        list.origin = SearchOrigin::kOption;
        return list;
    }

    if (const auto variable = environment.get("ACE_DT_CONFIG")) {
        std::size_t start = 0;
        while (start <= variable->size()) {
            auto colon = variable->find(':', start);
            if (colon == std::string::npos) colon = variable->size();
            if (colon > start) list.paths.emplace_back(variable->substr(start, colon - start));
            start = colon + 1;
        }
        list.origin = SearchOrigin::kEnvironment;
        return list;
    }

    list.paths = default_config_paths(environment);
    list.origin = SearchOrigin::kDefault;
    return list;
}

std::optional<std::filesystem::path> first_present(const SearchList& list) {
    for (const auto& path : list.paths) {
        std::error_code error;
        // symlink_status, so a dangling link counts as present and then
        // fails to read with a message naming it.
        if (std::filesystem::exists(std::filesystem::symlink_status(path, error))) return path;
    }
    return std::nullopt;
}

}  // namespace acedt::host::config
