#include "header_declarations.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace acedt::tests {

namespace {

// Removes /* */ and // comments, leaving string literals alone. A comment
// becomes one space, so the words around it stay apart.
std::string strip_comments(const std::string& text) {
    std::string result;
    for (std::size_t at = 0; at < text.size(); ++at) {
        if (text[at] == '"') {
            const std::size_t end = text.find('"', at + 1);
            const std::size_t stop = end == std::string::npos ? text.size() : end + 1;
            result.append(text, at, stop - at);
            at = stop - 1;
        } else if (text.compare(at, 2, "/*") == 0) {
            const std::size_t end = text.find("*/", at + 2);
            at = end == std::string::npos ? text.size() : end + 1;
            result += ' ';
        } else if (text.compare(at, 2, "//") == 0) {
            const std::size_t end = text.find('\n', at);
            at = end == std::string::npos ? text.size() : end - 1;
        } else {
            result += text[at];
        }
    }
    return result;
}

bool is_punctuation(char c) { return std::string_view("*(),[];={}").find(c) != std::string_view::npos; }

// Collapses whitespace to single spaces and drops spaces next to
// punctuation, so formatting changes do not count as edits.
std::string normalize(const std::string& text) {
    std::string collapsed;
    for (const char c : text) {
        const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (space) {
            if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
        } else {
            collapsed += c;
        }
    }

    std::string result;
    for (std::size_t at = 0; at < collapsed.size(); ++at) {
        if (collapsed[at] == ' ') {
            const bool after_punctuation = !result.empty() && is_punctuation(result.back());
            const bool before_punctuation = at + 1 < collapsed.size() && is_punctuation(collapsed[at + 1]);
            if (after_punctuation || before_punctuation || result.empty() || at + 1 == collapsed.size()) continue;
        }
        result += collapsed[at];
    }
    return result;
}

// Splits `text` at `separator` outside parentheses, dropping empty parts.
std::vector<std::string> split_top_level(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    int depth = 0;
    for (const char c : text) {
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (c == separator && depth == 0) {
            if (!normalize(part).empty()) parts.push_back(normalize(part));
            part.clear();
        } else {
            part += c;
        }
    }
    if (!normalize(part).empty()) parts.push_back(normalize(part));
    return parts;
}

// Reads #define lines (joining continuation lines) into `macros` and
// returns the text without preprocessor lines.
std::string take_macros(const std::string& text, std::map<std::string, std::vector<std::string>>& macros) {
    std::string code;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(at, end - at);
        while (!line.empty() && line.back() == '\\' && end < text.size()) {
            line.pop_back();
            const std::size_t next = text.find('\n', end + 1);
            const std::size_t stop = next == std::string::npos ? text.size() : next;
            line += text.substr(end + 1, stop - end - 1);
            end = stop;
        }
        at = end + 1;

        const std::string trimmed = normalize(line);
        if (trimmed.rfind("#", 0) != 0) {
            code += line + "\n";
            continue;
        }
        const std::string directive = normalize(trimmed.substr(1));
        if (directive.rfind("define ", 0) != 0) continue;

        const std::string rest = directive.substr(7);
        std::size_t name_end = 0;
        while (name_end < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[name_end])) != 0 ||
                                          rest[name_end] == '_')) {
            ++name_end;
        }
        macros[rest.substr(0, name_end)].push_back(normalize(rest.substr(name_end)));
    }
    return code;
}

// Finds the '}' that closes the '{' at `open`.
std::size_t find_closing_brace(const std::string& code, std::size_t open) {
    int depth = 0;
    for (std::size_t at = open; at < code.size(); ++at) {
        if (code[at] == '{') ++depth;
        if (code[at] == '}' && --depth == 0) return at;
    }
    throw std::runtime_error("unbalanced braces after offset " + std::to_string(open));
}

}  // namespace

HeaderDeclarations parse_header_declarations(const std::string& text) {
    HeaderDeclarations declarations;
    const std::string code = take_macros(strip_comments(text), declarations.macros);

    std::size_t at = 0;
    while ((at = code.find("typedef", at)) != std::string::npos) {
        const std::size_t semicolon = code.find(';', at);
        const std::size_t brace = code.find('{', at);
        if (semicolon == std::string::npos) throw std::runtime_error("typedef without ';' at offset " + std::to_string(at));

        if (brace == std::string::npos || semicolon < brace) {
            declarations.typedefs.push_back(normalize(code.substr(at, semicolon - at)));
            at = semicolon + 1;
            continue;
        }

        const std::size_t close = find_closing_brace(code, brace);
        const std::size_t end = code.find(';', close);
        if (end == std::string::npos) throw std::runtime_error("typedef without ';' at offset " + std::to_string(at));
        const std::string head = normalize(code.substr(at, brace - at));  // "typedef struct ace_dt_flag"
        const std::string body = code.substr(brace + 1, close - brace - 1);
        const bool is_enum = head.rfind("typedef enum", 0) == 0;
        declarations.members[head] = split_top_level(body, is_enum ? ',' : ';');
        at = end + 1;
    }
    return declarations;
}

std::vector<std::string> find_declaration_changes(const HeaderDeclarations& frozen,
                                                  const HeaderDeclarations& current) {
    std::vector<std::string> changes;

    for (const auto& [type, frozen_members] : frozen.members) {
        const auto found = current.members.find(type);
        if (found == current.members.end()) {
            changes.push_back(type + ": missing");
            continue;
        }
        const auto& members = found->second;
        for (std::size_t index = 0; index < frozen_members.size(); ++index) {
            const std::string actual = index < members.size() ? members[index] : "(nothing)";
            if (actual != frozen_members[index]) {
                changes.push_back(type + ": member " + std::to_string(index) + " was \"" + frozen_members[index] +
                                  "\", is \"" + actual + "\"");
            }
        }
    }

    for (const auto& [name, bodies] : frozen.macros) {
        const auto found = current.macros.find(name);
        if (found == current.macros.end()) {
            changes.push_back("#define " + name + ": missing");
        } else if (name == "ACE_DT_ABI_MINOR") {
            if (std::stol(found->second.at(0)) < std::stol(bodies.at(0))) {
                changes.push_back("#define ACE_DT_ABI_MINOR went down from " + bodies.at(0));
            }
        } else {
            const auto& now = found->second;
            for (std::size_t index = 0; index < std::max(bodies.size(), now.size()); ++index) {
                const std::string before = index < bodies.size() ? bodies[index] : "(no definition)";
                const std::string after = index < now.size() ? now[index] : "(no definition)";
                if (before != after) {
                    changes.push_back("#define " + name + ": was \"" + before + "\", is \"" + after + "\"");
                }
            }
        }
    }

    for (const auto& declaration : frozen.typedefs) {
        bool present = false;
        for (const auto& other : current.typedefs) present = present || other == declaration;
        if (!present) changes.push_back("\"" + declaration + "\": missing or changed");
    }
    return changes;
}

}  // namespace acedt::tests
