// Environment variables and executables that tests of credential lookup
// set up: a variable changed for one scope, and small shell scripts that
// play docker credential helpers.
#pragma once

#include "support/temp_dir.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace acedt::oci::testing {

// Sets (or, with nullopt, unsets) an environment variable and restores the
// old value on destruction.
class ScopedEnvironmentVariable {
public:
    ScopedEnvironmentVariable(std::string name, const std::optional<std::string> &value);
    ~ScopedEnvironmentVariable();
    ScopedEnvironmentVariable(const ScopedEnvironmentVariable &) = delete;
    ScopedEnvironmentVariable &operator=(const ScopedEnvironmentVariable &) = delete;

private:
    std::string name_;
    std::optional<std::string> saved_;
};

// Writes `script` (a POSIX shell script body, without the #! line) as the
// executable DIRECTORY/docker-credential-NAME and returns its path.
std::filesystem::path write_credential_helper(const TempDir &directory, const std::string &name,
                                              const std::string &script);

// A helper script that records the server name it reads and its arguments
// in RECORD_FILE, and returns `username` and `secret`.
std::string answering_helper_script(const std::filesystem::path &record_file, const std::string &username,
                                    const std::string &secret);

// A helper script that writes "credentials not found in native keychain"
// and exits with status 1, as docker-credential-helpers does.
std::string not_found_helper_script();

}  // namespace acedt::oci::testing
