#include "task_pool.hpp"

#include <acedt/oci/error.hpp>

#include <algorithm>
#include <chrono>

namespace acedt::mirror_diff {

namespace {

// How often wait() checks for Ctrl-C.
constexpr auto kInterruptPollInterval = std::chrono::milliseconds(100);

}  // namespace

TaskPool::TaskPool(int threads, std::function<bool()> interrupted, std::function<void()> on_cancel)
    : interrupted_(std::move(interrupted)), on_cancel_(std::move(on_cancel)) {
    if (!interrupted_) {
        interrupted_ = [] { return false; };
    }
    threads_.reserve(static_cast<std::size_t>(std::max(0, threads)));
    for (int i = 0; i < threads; ++i) {
        threads_.emplace_back([this] { run_tasks(); });
    }
}

TaskPool::~TaskPool() {
    stop();
}

void TaskPool::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        cancelled_ = true;
        unfinished_ -= queue_.size();
        queue_.clear();
    }
    task_queued_.notify_all();
    for (std::thread &thread : threads_) {
        if (thread.joinable()) {
            thread.join();
        }
    }
}

void TaskPool::submit(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (cancelled_) {
            return;
        }
        queue_.push_back(std::move(task));
        ++unfinished_;
    }
    task_queued_.notify_one();
}

void TaskPool::wait() {
    if (threads_.empty()) {
        run_tasks_here();
    }

    std::unique_lock lock(mutex_);
    while (!all_done_.wait_for(lock, kInterruptPollInterval, [this] { return unfinished_ == 0; })) {
        if (!cancelled_ && interrupted_()) {
            lock.unlock();
            fail(std::make_exception_ptr(oci::InterruptedError()));
            lock.lock();
        }
    }
    if (first_error_) {
        std::rethrow_exception(first_error_);
    }
}

bool TaskPool::cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
}

void TaskPool::run_tasks() {
    while (true) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            task_queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;  // stopping
            }
            task = std::move(queue_.front());
            queue_.pop_front();
        }

        try {
            task();
        } catch (...) {
            fail(std::current_exception());
        }
        task = nullptr;  // releases what the task captured before counting it done

        std::lock_guard lock(mutex_);
        if (--unfinished_ == 0) {
            all_done_.notify_all();
        }
    }
}

// The thread-less mode: the tasks run one after another on the caller's
// thread, with a check for Ctrl-C before each.
void TaskPool::run_tasks_here() {
    while (true) {
        std::function<void()> task;
        {
            std::lock_guard lock(mutex_);
            if (queue_.empty()) {
                return;
            }
            task = std::move(queue_.front());
            queue_.pop_front();
        }

        if (interrupted_()) {
            fail(std::make_exception_ptr(oci::InterruptedError()));
        } else {
            try {
                task();
            } catch (...) {
                fail(std::current_exception());
            }
        }
        task = nullptr;

        std::lock_guard lock(mutex_);
        --unfinished_;
    }
}

void TaskPool::fail(std::exception_ptr error) {
    {
        std::lock_guard lock(mutex_);
        if (cancelled_) {
            return;
        }
        first_error_ = std::move(error);
        cancelled_ = true;
        unfinished_ -= queue_.size();
        queue_.clear();
        if (unfinished_ == 0) {
            all_done_.notify_all();
        }
    }
    if (on_cancel_) {
        on_cancel_();
    }
}

}  // namespace acedt::mirror_diff
