// Fuzzes the YAML configuration loader (host/src/config/loader.cpp) with
// the input as the text of a configuration file. parse_configuration
// documents ConfigError as its only exception, so a yaml-cpp exception that
// escapes it is a finding.
#include "../common/fuzz_target.hpp"

#include "config/environment.hpp"
#include "config/loader.hpp"

#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    namespace config = acedt::host::config;

    // A fixed environment, so the defaults do not depend on the machine.
    static const config::Environment environment =
        config::Environment::from_map({{"HOME", "/home/fuzz"}, {"XDG_CACHE_HOME", "/home/fuzz/.cache"}});
    static const config::Configuration defaults = config::default_configuration(environment);

    std::vector<std::string> warnings;
    try {
        (void)config::parse_configuration(std::string(acedt::fuzz::as_text(data, size)), "fuzz.yaml", defaults,
                                          warnings);
    } catch (const config::ConfigError &) {
        // Documented for malformed YAML and invalid values.
    }
    return 0;
}
