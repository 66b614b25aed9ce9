#include "config/environment.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace acedt::host::config {

Environment Environment::process() {
    return Environment([](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    });
}

Environment Environment::from_map(std::map<std::string, std::string> variables) {
    return Environment([variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        if (found == variables.end()) return std::nullopt;
        return found->second;
    });
}

std::optional<std::string> Environment::get(const std::string& name) const {
    auto value = lookup_(name);
    if (!value || value->empty()) return std::nullopt;
    return value;
}

std::filesystem::path home_directory(const Environment& environment) {
    if (const auto home = environment.get("HOME")) return *home;

    // getpwuid_r with a buffer of the size sysconf suggests, so this stays
    // safe when other threads read the user database too.
    long suggested = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(suggested > 0 ? static_cast<std::size_t>(suggested) : 16384);
    passwd entry{};
    passwd* result = nullptr;
    if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &result) == 0 && result != nullptr &&
        result->pw_dir != nullptr) {
        return result->pw_dir;
    }
    return {};
}

std::filesystem::path xdg_directory(const Environment& environment, const std::string& variable,
                                    const std::filesystem::path& fallback) {
    if (const auto value = environment.get(variable)) {
        std::filesystem::path directory(*value);
        if (directory.is_absolute()) return directory;
    }
    return home_directory(environment) / fallback;
}

}  // namespace acedt::host::config
