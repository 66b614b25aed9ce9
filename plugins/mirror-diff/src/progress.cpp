#include "progress.hpp"

#include <chrono>
#include <string>

namespace acedt::mirror_diff {

namespace {

// Carriage return, then the ANSI (ECMA-48) sequence that erases to the end
// of the line.
constexpr const char *kEraseLine = "\r\033[K";

std::string format_line(const ProgressCounts &counts, std::chrono::steady_clock::duration elapsed) {
    const auto tenths = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() / 100;
    return "fetched " + std::to_string(counts.fetched) + " of " + std::to_string(counts.known) + " manifests, " +
           std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

// The progress line being shown, if any. There is at most one per
// process: one traversal runs at a time.
std::mutex active_mutex;
ProgressLine *active_line = nullptr;

}  // namespace

void write_above_progress(const std::function<void()> &write) {
    std::lock_guard active_lock(active_mutex);
    if (active_line == nullptr) {
        write();
        return;
    }

    // Holding the line's mutex keeps its thread from drawing mid-write.
    std::lock_guard lock(active_line->mutex_);
    if (active_line->shown_) {
        std::fputs(kEraseLine, active_line->out_);
        std::fflush(active_line->out_);
        active_line->shown_ = false;
    }
    write();
}

ProgressLine::ProgressLine(bool enabled, std::function<ProgressCounts()> counts, std::FILE *out,
                           std::chrono::milliseconds delay, std::chrono::milliseconds interval)
    : counts_(std::move(counts)), out_(out) {
    if (enabled) {
        {
            std::lock_guard active_lock(active_mutex);
            active_line = this;
        }
        thread_ = std::thread([this, delay, interval] { run(delay, interval); });
    }
}

ProgressLine::~ProgressLine() {
    if (!thread_.joinable()) {
        return;
    }
    {
        std::lock_guard active_lock(active_mutex);
        active_line = nullptr;
    }
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_requested_.notify_all();
    thread_.join();
    if (shown_) {
        std::fputs(kEraseLine, out_);
        std::fflush(out_);
    }
}

void ProgressLine::run(std::chrono::milliseconds delay, std::chrono::milliseconds interval) {
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    if (stop_requested_.wait_for(lock, delay, [this] { return stopping_; })) {
        return;
    }
    do {
        const std::string line = format_line(counts_(), std::chrono::steady_clock::now() - start);
        std::fputs(kEraseLine, out_);
        std::fputs(line.c_str(), out_);
        std::fflush(out_);
        shown_ = true;
    } while (!stop_requested_.wait_for(lock, interval, [this] { return stopping_; }));
}

}  // namespace acedt::mirror_diff
