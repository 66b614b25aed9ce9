// Read access to environment variables, replaceable in tests.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace acedt::host::config {

/// Environment variables as the host sees them. Production code reads the
/// process environment; tests pass a fixed map.
class Environment {
public:
    using Lookup = std::function<std::optional<std::string>(const std::string&)>;

    explicit Environment(Lookup lookup) : lookup_(std::move(lookup)) {}

    /// The environment of this process.
    static Environment process();

    /// A fixed set of variables; every other name reads as unset.
    static Environment from_map(std::map<std::string, std::string> variables);

    /// Returns the variable's value, or nothing when it is unset or empty.
    /// An empty value counts as unset everywhere in the host.
    std::optional<std::string> get(const std::string& name) const;

private:
    Lookup lookup_;
};

/// Returns $HOME, or the home directory of the user database entry when
/// HOME is unset, or an empty path when neither is known.
std::filesystem::path home_directory(const Environment& environment);

/// Returns the XDG base directory named by `variable` (such as
/// XDG_CONFIG_HOME), or HOME/`fallback` when it is unset or relative, as
/// the XDG Base Directory Specification requires.
std::filesystem::path xdg_directory(const Environment& environment, const std::string& variable,
                                    const std::filesystem::path& fallback);

}  // namespace acedt::host::config
