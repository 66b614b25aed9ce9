#include "support/environment.hpp"

#include <cstdlib>

namespace acedt::oci::testing {

ScopedEnvironmentVariable::ScopedEnvironmentVariable(std::string name, const std::optional<std::string> &value)
    : name_(std::move(name)) {
    if (const char *old = std::getenv(name_.c_str())) {
        saved_ = old;
    }
    if (value) {
        setenv(name_.c_str(), value->c_str(), 1);
    } else {
        unsetenv(name_.c_str());
    }
}

ScopedEnvironmentVariable::~ScopedEnvironmentVariable() {
    if (saved_) {
        setenv(name_.c_str(), saved_->c_str(), 1);
    } else {
        unsetenv(name_.c_str());
    }
}

std::filesystem::path write_credential_helper(const TempDir &directory, const std::string &name,
                                              const std::string &script) {
    const std::filesystem::path path = directory.write("docker-credential-" + name, "#!/bin/sh\n" + script);
    std::filesystem::permissions(path, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                           std::filesystem::perms::group_exec);
    return path;
}

std::string answering_helper_script(const std::filesystem::path &record_file, const std::string &username,
                                    const std::string &secret) {
    return "server=$(cat)\n"
           "printf '%s %s' \"$*\" \"$server\" >> '" + record_file.string() + "'\n"
           "printf '{\"ServerURL\":\"%s\",\"Username\":\"" + username + "\",\"Secret\":\"" + secret +
           "\"}' \"$server\"\n";
}

std::string not_found_helper_script() {
    return "cat > /dev/null\n"
           "echo 'credentials not found in native keychain'\n"
           "exit 1\n";
}

}  // namespace acedt::oci::testing
