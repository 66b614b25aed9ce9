#include "logging/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace acedt::host::logging {

namespace {

// Prints the level as ERROR, WARN, INFO or DEBUG. spdlog's own %l prints
// "warning", and its short form %L a single letter.
class LevelNameFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& message, const std::tm&,
                spdlog::memory_buf_t& destination) override {
        const std::string_view name = level_name(message.level);
        destination.append(name.data(), name.data() + name.size());
    }

    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<LevelNameFlag>();
    }

private:
    static std::string_view level_name(spdlog::level::level_enum level) {
        switch (level) {
            case spdlog::level::trace:
            case spdlog::level::debug: return "DEBUG";
            case spdlog::level::info: return "INFO";
            case spdlog::level::warn: return "WARN";
            default: return "ERROR";
        }
    }
};

// One sink for all loggers: the sink's mutex keeps each line whole when
// plugins log from several threads.
std::shared_ptr<spdlog::sinks::sink> shared_stderr_sink() {
    static const auto sink = [] {
        auto created = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();

        // Time in UTC, like "2026-12-04T19:50:00Z WARN [mirror-diff] message".
        auto formatter = std::make_unique<spdlog::pattern_formatter>(
            spdlog::pattern_time_type::utc, std::string("\n"));
        formatter->add_flag<LevelNameFlag>('*');
        formatter->set_pattern("%Y-%m-%dT%H:%M:%SZ %^%*%$ [%n] %v");
        created->set_formatter(std::move(formatter));
        return created;
    }();
    return sink;
}

}  // namespace

spdlog::level::level_enum spdlog_level_for(int level) {
    if (level >= 12) return spdlog::level::debug;
    if (level >= 8) return spdlog::level::info;
    if (level >= 4) return spdlog::level::warn;
    return spdlog::level::err;
}

void configure_host_logger(int verbosity) {
    auto logger = spdlog::get(kHostLoggerName);
    if (!logger) {
        logger = std::make_shared<spdlog::logger>(kHostLoggerName, shared_stderr_sink());
        spdlog::register_logger(logger);
    }

    logger->set_level(spdlog_level_for(verbosity));
    spdlog::set_default_logger(logger);
}

std::shared_ptr<spdlog::logger> make_plugin_logger(const std::string& plugin_name) {
    // Not registered with spdlog: a plugin name may equal the host's, and
    // each run creates its own logger anyway.
    auto logger = std::make_shared<spdlog::logger>(plugin_name, shared_stderr_sink());
    logger->set_level(spdlog::level::trace);
    return logger;
}

}  // namespace acedt::host::logging
