#include "cli/arguments.hpp"

#include "logging/verbosity.hpp"

namespace acedt::host::cli {

namespace {

const std::string kVerbosityPrefix = "--verbosity=";

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

SplitArguments normalize_arguments(const std::vector<std::string>& arguments) {
    SplitArguments split;
    for (std::size_t index = 0; index < arguments.size(); ++index) {
        const std::string& argument = arguments[index];

        if (argument == "--") {
            split.trailing.assign(arguments.begin() + static_cast<std::ptrdiff_t>(index) + 1, arguments.end());
            break;
        }

        if (argument == "-v" || argument == "--verbosity") {
            const bool has_level = index + 1 < arguments.size() && logging::is_level_spec(arguments[index + 1]);
            if (has_level) {
                split.parsed.push_back(kVerbosityPrefix + arguments[index + 1]);
                ++index;
            } else {
                split.parsed.push_back(kVerbosityPrefix + "warn");
            }
            continue;
        }

        // -v=LEVEL and -vLEVEL; CLI11 would keep the '=' in the value.
        if (starts_with(argument, "-v") && !starts_with(argument, "--")) {
            const std::size_t value_start = argument.size() > 2 && argument[2] == '=' ? 3 : 2;
            split.parsed.push_back(kVerbosityPrefix + argument.substr(value_start));
            continue;
        }

        split.parsed.push_back(argument);
    }
    return split;
}

std::vector<std::string> find_verbosity_values(const std::vector<std::string>& normalized) {
    std::vector<std::string> values;
    for (const auto& argument : normalized) {
        if (starts_with(argument, kVerbosityPrefix)) values.push_back(argument.substr(kVerbosityPrefix.size()));
    }
    return values;
}

}  // namespace acedt::host::cli
