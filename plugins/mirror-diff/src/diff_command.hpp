// `ace-dt mirror diff`: options, traversal and outputs, run through the
// plugin ABI's C++ helper.
#pragma once

#include <ace_dt/plugin.hpp>

namespace acedt::mirror_diff {

// Runs the command and returns its exit status. Throws ace_dt::CommandError
// (and its subclasses) for failures the caller reports to the host.
int run_diff(const ace_dt::Context &context);

}  // namespace acedt::mirror_diff
