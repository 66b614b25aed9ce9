#include "plugins/specs.hpp"

namespace acedt::host::plugins {

std::string join_words(const std::vector<std::string>& words) {
    std::string joined;
    for (const auto& word : words) {
        if (!joined.empty()) joined += ' ';
        joined += word;
    }
    return joined;
}

std::string CommandSpec::path_text() const { return join_words(path); }

}  // namespace acedt::host::plugins
