#include "plugins/signals.hpp"

#include <ace_dt/plugin.h>

#include <unistd.h>

#include <atomic>
#include <csignal>

namespace acedt::host::plugins {

namespace {

std::atomic<bool> interrupted_flag{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

void handle_interrupt(int signal_number) {
    const bool already_interrupted = interrupted_flag.exchange(true);
    if (already_interrupted && signal_number == SIGINT) _exit(ACE_DT_EXIT_INTERRUPTED);
}

}  // namespace

void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

void install_interrupt_handlers() {
    struct sigaction action {};
    action.sa_handler = handle_interrupt;
    sigemptyset(&action.sa_mask);
    // SA_RESTART keeps blocking calls in plugins from failing with EINTR;
    // plugins learn about the signal by polling interrupted().
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() { return interrupted_flag.load(); }

void reset_interrupted() { interrupted_flag.store(false); }

}  // namespace acedt::host::plugins
