// A progress line on standard error for long traversals.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>

namespace acedt::mirror_diff {

// Counts to show: manifests fetched, and manifests known so far (fetched,
// in flight or queued).
struct ProgressCounts {
    std::size_t fetched = 0;
    std::size_t known = 0;
};

// While it exists, and once `delay` has passed, rewrites one line on `out`
// every `interval`: "fetched 120 of 480 manifests, 2.4 s". The destructor
// stops its thread and erases the line. Does nothing when not enabled. The
// caller enables it only when standard error is a terminal, because the
// line relies on carriage returns and the ANSI erase-line sequence.
class ProgressLine {
public:
    friend void write_above_progress(const std::function<void()> &write);

    ProgressLine(bool enabled, std::function<ProgressCounts()> counts, std::FILE *out = stderr,
                 std::chrono::milliseconds delay = std::chrono::seconds(1),
                 std::chrono::milliseconds interval = std::chrono::milliseconds(200));
    ~ProgressLine();
    ProgressLine(const ProgressLine &) = delete;
    ProgressLine &operator=(const ProgressLine &) = delete;

private:
    void run(std::chrono::milliseconds delay, std::chrono::milliseconds interval);

    std::function<ProgressCounts()> counts_;
    std::FILE *out_;
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stopping_ = false;
    bool shown_ = false;
    std::thread thread_;
};

// Runs `write`, which prints to the terminal of the progress line (a log
// line on standard error), with the progress line erased first, so that the
// two do not share a line. The line is drawn again at its next update.
// Without a progress line on screen it only runs `write`.
void write_above_progress(const std::function<void()> &write);

}  // namespace acedt::mirror_diff
