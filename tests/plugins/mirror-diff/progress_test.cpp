// The progress line: written only when enabled, refreshed with the current
// counts, and erased at the end.
#include "progress.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace acedt::mirror_diff {
namespace {

std::string read_all(std::FILE *file) {
    std::fflush(file);
    std::rewind(file);
    std::string text;
    char buffer[256];
    while (const std::size_t n = std::fread(buffer, 1, sizeof(buffer), file)) {
        text.append(buffer, n);
    }
    return text;
}

long size_of(std::FILE *file) {
    std::fflush(file);
    std::fseek(file, 0, SEEK_END);
    return std::ftell(file);
}

TEST(ProgressLineTest, ShowsCountsAndErasesAtEnd) {
    std::FILE *out = std::tmpfile();
    ASSERT_NE(out, nullptr);
    std::atomic<int> calls{0};
    {
        const ProgressLine progress(
            true,
            [&] {
                ++calls;
                return ProgressCounts{3, 5};
            },
            out, std::chrono::milliseconds(0), std::chrono::milliseconds(10));
        // Waits for the first line; the bound only ends a broken test.
        for (int i = 0; i < 1000 && calls.load() == 0; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }

    const std::string text = read_all(out);
    std::fclose(out);
    EXPECT_NE(text.find("\r\033[Kfetched 3 of 5 manifests, "), std::string::npos) << text;
    EXPECT_TRUE(text.ends_with("\r\033[K")) << "the line is erased at the end";
}

TEST(ProgressLineTest, LogLinesStartOnALineOfTheirOwn) {
    std::FILE *out = std::tmpfile();
    ASSERT_NE(out, nullptr);
    std::atomic<int> calls{0};
    {
        const ProgressLine progress(
            true,
            [&] {
                ++calls;
                return ProgressCounts{1, 2};
            },
            out, std::chrono::milliseconds(0), std::chrono::milliseconds(10));
        for (int i = 0; i < 1000 && calls.load() == 0; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        write_above_progress([&] { std::fputs("a log line\n", out); });
    }

    const std::string text = read_all(out);
    std::fclose(out);
    const std::size_t log = text.find("a log line\n");
    ASSERT_NE(log, std::string::npos) << text;
    EXPECT_EQ(text.substr(0, log).rfind("\r\033[K"), log - 4) << "erased just before the log line: " << text;
}

TEST(ProgressLineTest, WriteWithoutProgressLineOnlyWrites) {
    bool written = false;
    write_above_progress([&] { written = true; });
    EXPECT_TRUE(written);
}

TEST(ProgressLineTest, DisabledWritesNothing) {
    std::FILE *out = std::tmpfile();
    ASSERT_NE(out, nullptr);
    {
        const ProgressLine progress(
            false, [] { return ProgressCounts{1, 1}; }, out, std::chrono::milliseconds(0),
            std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(size_of(out), 0);
    std::fclose(out);
}

// A traversal that ends before the delay leaves no trace.
TEST(ProgressLineTest, ShortRunWritesNothing) {
    std::FILE *out = std::tmpfile();
    ASSERT_NE(out, nullptr);
    {
        const ProgressLine progress(true, [] { return ProgressCounts{1, 1}; }, out, std::chrono::seconds(60));
    }
    EXPECT_EQ(size_of(out), 0);
    std::fclose(out);
}

}  // namespace
}  // namespace acedt::mirror_diff
