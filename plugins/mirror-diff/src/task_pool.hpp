// Worker threads for the traversal's network requests.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace acedt::mirror_diff {

// A fixed set of threads running submitted tasks in submission order. Tasks
// may submit further tasks. The first task that throws cancels the rest:
// queued tasks are dropped, later submissions are ignored, `on_cancel` is
// called so that running tasks can stop early, and wait() rethrows that
// first exception. Exceptions of tasks that fail after it are dropped, so
// with several failing tasks the one reported is the first to fail in time,
// which can differ between runs.
class TaskPool {
public:
    // With `threads` 0 (or less) the pool starts no thread, and wait() runs
    // the tasks on the calling thread in submission order. `interrupted` is
    // polled by wait();
    // when it returns true the pool cancels as for a failed task, with
    // oci::InterruptedError as the first exception.
    TaskPool(int threads, std::function<bool()> interrupted, std::function<void()> on_cancel = {});

    // Calls stop(), so no thread outlives the pool.
    ~TaskPool();

    TaskPool(const TaskPool &) = delete;
    TaskPool &operator=(const TaskPool &) = delete;

    void submit(std::function<void()> task);

    // Blocks until no task is queued or running, then rethrows the first
    // exception of any task, if one failed.
    void wait();

    std::size_t thread_count() const { return threads_.size(); }

    bool cancelled() const;

    // Drops queued tasks, waits for running ones and joins the threads.
    // Later calls do nothing.
    void stop();

private:
    void run_tasks();
    void run_tasks_here();
    void fail(std::exception_ptr error);

    std::function<bool()> interrupted_;
    std::function<void()> on_cancel_;

    mutable std::mutex mutex_;
    std::condition_variable task_queued_;
    std::condition_variable all_done_;
    std::deque<std::function<void()>> queue_;
    std::size_t unfinished_ = 0;  // queued plus running
    bool stopping_ = false;
    bool cancelled_ = false;
    std::exception_ptr first_error_;
    std::vector<std::thread> threads_;
};

}  // namespace acedt::mirror_diff
