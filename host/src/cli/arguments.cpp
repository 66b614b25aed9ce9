#include "cli/arguments.hpp"

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

        // The next word is the value unless it is an option. A word that is
        // no valid level then fails as an invalid verbosity. As a positional
        // it would turn a typo such as "-v infoo" into an image reference and
        // a request to Docker Hub.
        if (argument == "-v" || argument == "--verbosity") {
            const bool has_value = index + 1 < arguments.size() && !starts_with(arguments[index + 1], "-");
            if (has_value) {
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
