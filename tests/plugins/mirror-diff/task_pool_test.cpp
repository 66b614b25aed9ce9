// The worker threads of the traversal: every task runs, at most the given
// number at once, and the first failure or Ctrl-C cancels the rest.
#include "task_pool.hpp"

#include <acedt/oci/error.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace acedt::mirror_diff {
namespace {

// Tracks how many tasks run at the same moment.
class Overlap {
public:
    // Enters, waits until `target` tasks are inside or a timeout passes,
    // and leaves. The timeout only ends a test whose pool does not overlap
    // tasks; the test then fails on the count.
    void enter_and_wait(int target) {
        std::unique_lock lock(mutex_);
        ++inside_;
        max_inside_ = std::max(max_inside_, inside_);
        changed_.notify_all();
        changed_.wait_for(lock, std::chrono::seconds(5), [&] { return max_inside_ >= target; });
        --inside_;
    }

    int max_inside() {
        std::lock_guard lock(mutex_);
        return max_inside_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int inside_ = 0;
    int max_inside_ = 0;
};

TEST(TaskPoolTest, RunsEveryTaskAndTheirSubtasks) {
    std::atomic<int> ran{0};
    TaskPool pool(4, [] { return false; });
    for (int i = 0; i < 50; ++i) {
        pool.submit([&] {
            ++ran;
            pool.submit([&] { ++ran; });
        });
    }
    pool.wait();
    EXPECT_EQ(ran.load(), 100);
}

TEST(TaskPoolTest, RunsUpToThreadCountAtOnce) {
    Overlap overlap;
    TaskPool pool(3, [] { return false; });
    for (int i = 0; i < 12; ++i) {
        pool.submit([&] { overlap.enter_and_wait(3); });
    }
    pool.wait();
    EXPECT_EQ(overlap.max_inside(), 3);
}

TEST(TaskPoolTest, FirstErrorCancelsQueuedTasks) {
    std::atomic<int> ran{0};
    std::atomic<int> cancels{0};
    TaskPool pool(1, [] { return false; }, [&] { ++cancels; });
    pool.submit([] { throw oci::Error("manifest sha256:aa failed"); });
    for (int i = 0; i < 10; ++i) {
        pool.submit([&] { ++ran; });
    }

    try {
        pool.wait();
        FAIL() << "wait() returned";
    } catch (const oci::Error &e) {
        EXPECT_STREQ(e.what(), "manifest sha256:aa failed");
    }
    EXPECT_EQ(ran.load(), 0);
    EXPECT_EQ(cancels.load(), 1);
    EXPECT_TRUE(pool.cancelled());
}

TEST(TaskPoolTest, LaterErrorsAreDropped) {
    TaskPool pool(2, [] { return false; });
    std::atomic<bool> first_thrown{false};
    pool.submit([&] {
        first_thrown = true;
        throw std::runtime_error("first");
    });
    pool.submit([&] {
        while (!first_thrown) {
            std::this_thread::yield();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        throw std::runtime_error("second");
    });
    try {
        pool.wait();
        FAIL() << "wait() returned";
    } catch (const std::runtime_error &e) {
        EXPECT_STREQ(e.what(), "first");
    }
}

// A running task stops only when on_cancel requests it, as a transfer does
// when its interrupt hook turns true.
TEST(TaskPoolTest, InterruptCancelsRunningTask) {
    std::atomic<bool> interrupted{false};
    std::atomic<bool> stop{false};
    std::atomic<bool> started{false};
    TaskPool pool(2, [&] { return interrupted.load(); }, [&] { stop = true; });
    pool.submit([&] {
        started = true;
        while (!stop) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        throw oci::InterruptedError();
    });
    while (!started) {
        std::this_thread::yield();
    }
    interrupted = true;
    EXPECT_THROW(pool.wait(), oci::InterruptedError);
    EXPECT_TRUE(stop.load());
}

TEST(TaskPoolTest, ZeroThreadsRunTasksInWait) {
    const std::thread::id caller = std::this_thread::get_id();
    std::vector<int> order;
    TaskPool pool(0, [] { return false; });
    EXPECT_EQ(pool.thread_count(), 0u);
    for (int i = 0; i < 3; ++i) {
        pool.submit([&, i] {
            EXPECT_EQ(std::this_thread::get_id(), caller);
            order.push_back(i);
            if (i == 0) {
                pool.submit([&] { order.push_back(10); });
            }
        });
    }
    EXPECT_TRUE(order.empty()) << "nothing runs before wait()";
    pool.wait();
    const std::vector<int> expected = {0, 1, 2, 10};
    EXPECT_EQ(order, expected);
}

TEST(TaskPoolTest, ZeroThreadsStopOnInterrupt) {
    int ran = 0;
    TaskPool pool(0, [&] { return ran == 2; });
    for (int i = 0; i < 5; ++i) {
        pool.submit([&] { ++ran; });
    }
    EXPECT_THROW(pool.wait(), oci::InterruptedError);
    EXPECT_EQ(ran, 2);
}

TEST(TaskPoolTest, DestructorJoinsWithoutWait) {
    std::atomic<int> ran{0};
    {
        TaskPool pool(2, [] { return false; });
        pool.submit([&] { ++ran; });
    }
    EXPECT_LE(ran.load(), 1);
}

}  // namespace
}  // namespace acedt::mirror_diff
