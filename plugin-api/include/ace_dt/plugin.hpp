// Header-only C++17 convenience layer over ace_dt/plugin.h.
//
// Nothing here crosses the ABI: it wraps the C host table in a small class
// and turns C++ exceptions thrown by a command into an exit status and an
// error message, so that no exception ever leaves the plugin. A plugin may
// use plugin.h alone.
#ifndef ACE_DT_PLUGIN_HPP
#define ACE_DT_PLUGIN_HPP

#include <ace_dt/plugin.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ace_dt {

// Thrown by a command to end with a given exit status and message.
class CommandError : public std::exception {
public:
    explicit CommandError(std::string message, int exit_status = ACE_DT_EXIT_FAILURE)
        : message_(std::move(message)), exit_status_(exit_status) {}

    const char *what() const noexcept override { return message_.c_str(); }
    int exit_status() const noexcept { return exit_status_; }

private:
    std::string message_;
    int exit_status_;
};

// Thrown by a command that noticed the user pressed Ctrl-C.
class Interrupted : public CommandError {
public:
    Interrupted() : CommandError("interrupted", ACE_DT_EXIT_INTERRUPTED) {}
};

// One command invocation: the host table plus the context of this run.
// Valid only while the command's run callback executes.
class Context {
public:
    Context(const ace_dt_host_api *host, ace_dt_context *ctx) : host_(host), ctx_(ctx) {}

    std::vector<std::string> positionals() const {
        size_t count = 0;
        const char *const *values = host_->positionals(ctx_, &count);
        return std::vector<std::string>(values, values + count);
    }

    bool flag_bool(const char *name) const {
        int value = 0;
        require(host_->flag_bool(ctx_, name, &value), name);
        return value != 0;
    }

    std::string flag_string(const char *name) const {
        const char *value = nullptr;
        require(host_->flag_string(ctx_, name, &value), name);
        return value != nullptr ? value : "";
    }

    std::vector<std::string> flag_string_list(const char *name) const {
        const char *const *values = nullptr;
        size_t count = 0;
        require(host_->flag_string_list(ctx_, name, &values, &count), name);
        return std::vector<std::string>(values, values + count);
    }

    std::int64_t flag_int(const char *name) const {
        std::int64_t value = 0;
        require(host_->flag_int(ctx_, name, &value), name);
        return value;
    }

    bool flag_is_set(const char *name) const { return host_->flag_is_set(ctx_, name) == 1; }

    std::string config_json() const { return host_->config_json(ctx_); }
    int verbosity() const { return host_->verbosity(ctx_); }
    bool recursive() const { return host_->recursive(ctx_) != 0; }
    bool interrupted() const { return host_->interrupted(ctx_) != 0; }

    // Throws Interrupted once the user pressed Ctrl-C.
    void check_interrupted() const {
        if (interrupted()) throw Interrupted();
    }

    bool log_enabled(int level) const { return level <= verbosity(); }

    void log(int level, const std::string &message) const {
        if (log_enabled(level)) host_->log(ctx_, level, message.c_str());
    }
    void error(const std::string &message) const { log(ACE_DT_LOG_ERROR, message); }
    void warn(const std::string &message) const { log(ACE_DT_LOG_WARN, message); }
    void info(const std::string &message) const { log(ACE_DT_LOG_INFO, message); }
    void debug(const std::string &message) const { log(ACE_DT_LOG_DEBUG, message); }

    // Writes to standard output; throws CommandError when the write fails.
    void write(std::string_view data) const {
        if (host_->write_stdout(ctx_, data.data(), data.size()) != 0) {
            throw CommandError("writing to standard output failed");
        }
    }

    const ace_dt_host_api *host() const { return host_; }
    ace_dt_context *raw() const { return ctx_; }

private:
    static void require(int status, const char *name) {
        if (status != 0) {
            throw CommandError(std::string("internal error: the command declares no flag --") + name +
                               " of that type");
        }
    }

    const ace_dt_host_api *host_;
    ace_dt_context *ctx_;
};

// Calls `body(Context&)` and converts its outcome into an exit status:
// a normal return gives its value, CommandError its status and message, any
// other exception status 1 with its what() text. Use it as the whole body
// of a C run callback.
template <typename Body>
int run_guarded(const ace_dt_host_api *host, ace_dt_context *ctx, Body &&body) noexcept {
    Context context(host, ctx);
    try {
        return body(context);
    } catch (const CommandError &e) {
        host->set_error(ctx, e.what());
        return e.exit_status();
    } catch (const std::exception &e) {
        host->set_error(ctx, e.what());
        return ACE_DT_EXIT_FAILURE;
    } catch (...) {
        host->set_error(ctx, "unexpected error of unknown type");
        return ACE_DT_EXIT_FAILURE;
    }
}

}  // namespace ace_dt

#endif  // ACE_DT_PLUGIN_HPP
