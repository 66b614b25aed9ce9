#include "cli/builtin_commands.hpp"

#include "config/json.hpp"

namespace acedt::host::cli {

std::string format_plugin_list(const plugins::PluginRegistry& registry) {
    std::string text;
    for (const auto& plugin : registry.plugins()) {
        const auto& spec = plugin.spec;
        if (!text.empty()) text += "\n";

        text += spec.name + " " + spec.version + "\n";
        text += "  ABI:         " + std::to_string(spec.abi_major) + "." + std::to_string(spec.abi_minor) + "\n";
        if (!spec.description.empty()) text += "  Description: " + spec.description + "\n";

        text += "  Commands:    ";
        for (std::size_t index = 0; index < spec.commands.size(); ++index) {
            if (index > 0) text += "\n               ";
            text += spec.commands[index].path_text();
        }
        text += (spec.commands.empty() ? "(none)\n" : "\n");
        text += "  File:        " + plugin.file.string() + "\n";
    }
    return text;
}

std::string format_configuration(const config::Configuration& configuration) {
    return config::to_yaml(config::to_json(configuration));
}

}  // namespace acedt::host::cli
