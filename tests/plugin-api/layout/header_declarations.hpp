// Compares the declarations of two versions of plugin.h as text, to catch
// edits that keep the binary layout: a retyped function pointer, a renamed
// member, a changed macro.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace acedt::tests {

/// The declarations of one header, with comments removed and whitespace
/// normalized ("const char *name" and "const char* name" read the same).
struct HeaderDeclarations {
    /// Members of each `typedef struct` and enumerators of each
    /// `typedef enum`, in order, by type name.
    std::map<std::string, std::vector<std::string>> members;
    /// The body of each #define, by name. A name defined in several
    /// branches of an #if has several bodies, in order.
    std::map<std::string, std::vector<std::string>> macros;
    /// Every other typedef, such as function pointer types.
    std::vector<std::string> typedefs;
};

/// Parses the text of a plugin.h. Throws std::runtime_error when a
/// typedef has no closing brace or semicolon.
HeaderDeclarations parse_header_declarations(const std::string& text);

/// Returns every way `current` breaks the append-only rule against
/// `frozen`: a table or enum that is missing or whose frozen members are
/// not its first members unchanged, a macro whose body changed (only
/// ACE_DT_ABI_MINOR may grow), a typedef that changed. Empty when
/// `current` only appends.
std::vector<std::string> find_declaration_changes(const HeaderDeclarations& frozen,
                                                  const HeaderDeclarations& current);

}  // namespace acedt::tests
