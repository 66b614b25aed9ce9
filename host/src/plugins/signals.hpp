// Signal handling while a command runs.
#pragma once

namespace acedt::host::plugins {

/// Makes writes to a closed pipe fail with EPIPE instead of ending the
/// process, so write_stdout can report the failure to the plugin.
void ignore_sigpipe();

/// Installs handlers for SIGINT and SIGTERM that set the interrupted flag.
/// A second SIGINT ends the process at once with status 130, for a command
/// that does not stop by itself.
void install_interrupt_handlers();

/// True once SIGINT or SIGTERM arrived after install_interrupt_handlers.
/// Async-signal-safe and lock-free.
bool interrupted();

/// Clears the flag; for tests that raise signals in-process.
void reset_interrupted();

}  // namespace acedt::host::plugins
