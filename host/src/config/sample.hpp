// The commented sample that `ace-dt config --sample` prints.
#pragma once

#include <string_view>

namespace acedt::host::config {

/// A complete configuration file with every key and a comment for each.
/// It loads without errors or warnings.
std::string_view sample_configuration();

}  // namespace acedt::host::config
