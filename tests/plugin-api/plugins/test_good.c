/* A well-behaved plugin in plain C99. It registers "test echo", which
 * reports everything it receives, a few commands that exercise signals,
 * threads and closed pipes, and "mirror hello", which shares the "mirror"
 * group with other plugins. */
#define _POSIX_C_SOURCE 200809L

#include <ace_dt/plugin.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const ace_dt_host_api *host;

/* Formats like printf and writes through the host. Returns the host's
 * write_stdout status. */
static int print(ace_dt_context *ctx, const char *format, ...) {
    char buffer[8192];
    va_list arguments;
    int length;

    va_start(arguments, format);
    length = vsnprintf(buffer, sizeof buffer, format, arguments);
    va_end(arguments);
    if (length < 0) return -1;
    if ((size_t)length >= sizeof buffer) length = (int)sizeof buffer - 1;
    return host->write_stdout(ctx, buffer, (size_t)length);
}

static void sleep_milliseconds(long milliseconds) {
    struct timespec delay;
    delay.tv_sec = milliseconds / 1000;
    delay.tv_nsec = (milliseconds % 1000) * 1000000L;
    nanosleep(&delay, NULL);
}

static void print_list(ace_dt_context *ctx, const char *label, const char *const *values, size_t count) {
    size_t index;
    print(ctx, "%s=", label);
    for (index = 0; index < count; ++index) print(ctx, "%s%s", index > 0 ? "|" : "", values[index]);
    print(ctx, "\n");
}

static int run_echo(ace_dt_context *ctx, void *user_data) {
    size_t count = 0;
    const char *const *positionals = host->positionals(ctx, &count);
    int switch_value = -1;
    const char *name = NULL;
    const char *const *tags = NULL;
    size_t tag_count = 0;
    int64_t number = -1;
    int64_t fail_status = 0;
    int64_t silent_status = 0;
    int log_levels = 0;
    const char *unused_string = NULL;

    (void)user_data;
    print_list(ctx, "positionals", positionals, count);

    host->flag_bool(ctx, "switch", &switch_value);
    print(ctx, "switch=%d set=%d\n", switch_value, host->flag_is_set(ctx, "switch"));
    host->flag_string(ctx, "name", &name);
    print(ctx, "name=%s set=%d\n", name, host->flag_is_set(ctx, "name"));
    host->flag_string_list(ctx, "tag", &tags, &tag_count);
    print_list(ctx, "tag", tags, tag_count);
    print(ctx, "tag-set=%d\n", host->flag_is_set(ctx, "tag"));
    host->flag_int(ctx, "count", &number);
    print(ctx, "count=%lld set=%d\n", (long long)number, host->flag_is_set(ctx, "count"));

    /* Unknown names and wrong types must give -1. */
    print(ctx, "unknown-name=%d wrong-type=%d unknown-is-set=%d\n", host->flag_string(ctx, "no-such-flag", &unused_string),
          host->flag_string(ctx, "count", &unused_string), host->flag_is_set(ctx, "no-such-flag"));

    print(ctx, "verbosity=%d\n", host->verbosity(ctx));
    print(ctx, "recursive=%d\n", host->recursive(ctx));
    print(ctx, "host=%s abi=%u.%u\n", host->host_version, (unsigned)host->abi_major, (unsigned)host->abi_minor);
    print(ctx, "config=%s\n", host->config_json(ctx));

    host->flag_bool(ctx, "log", &log_levels);
    if (log_levels) {
        host->log(ctx, ACE_DT_LOG_ERROR, "echo says error");
        host->log(ctx, ACE_DT_LOG_WARN, "echo says warn");
        host->log(ctx, ACE_DT_LOG_INFO, "echo says info");
        host->log(ctx, 10, "echo says level 10");
        host->log(ctx, ACE_DT_LOG_DEBUG, "echo says debug");
    }

    host->flag_int(ctx, "fail", &fail_status);
    if (fail_status != 0) {
        char message[128];
        snprintf(message, sizeof message, "failing as asked with status %lld", (long long)fail_status);
        host->set_error(ctx, "this message is replaced by the next one");
        host->set_error(ctx, message);
        return (int)fail_status;
    }
    host->flag_int(ctx, "fail-silently", &silent_status);
    return (int)silent_status;
}

/* Prints "waiting", then polls interrupted() for up to ten seconds. With
 * --ignore it keeps going after an interrupt, so only a second Ctrl-C
 * ends it. */
static int run_wait(ace_dt_context *ctx, void *user_data) {
    int ignore = 0;
    int step;

    (void)user_data;
    host->flag_bool(ctx, "ignore", &ignore);
    print(ctx, "waiting\n");
    for (step = 0; step < 1000; ++step) {
        if (!ignore && host->interrupted(ctx)) {
            host->set_error(ctx, "stopped after an interrupt");
            return ACE_DT_EXIT_INTERRUPTED;
        }
        sleep_milliseconds(10);
    }
    print(ctx, "done\n");
    return ACE_DT_EXIT_OK;
}

enum { kThreadCount = 4, kLinesPerThread = 200 };

struct thread_job {
    ace_dt_context *ctx;
    int index;
    int failures;
};

static void *write_lines(void *argument) {
    struct thread_job *job = argument;
    int line;
    for (line = 0; line < kLinesPerThread; ++line) {
        if (print(job->ctx, "thread %d line %03d with some padding to make the line longer\n", job->index, line) != 0) {
            ++job->failures;
        }
        if (line % 50 == 0) host->log(job->ctx, ACE_DT_LOG_WARN, "thread progress");
        (void)host->verbosity(job->ctx);
        (void)host->interrupted(job->ctx);
        (void)host->config_json(job->ctx);
    }
    return NULL;
}

/* Writes from several threads at once, as plugin.h allows. */
static int run_threads(ace_dt_context *ctx, void *user_data) {
    pthread_t threads[kThreadCount];
    struct thread_job jobs[kThreadCount];
    int index;
    int failures = 0;

    (void)user_data;
    for (index = 0; index < kThreadCount; ++index) {
        jobs[index].ctx = ctx;
        jobs[index].index = index;
        jobs[index].failures = 0;
        pthread_create(&threads[index], NULL, write_lines, &jobs[index]);
    }
    for (index = 0; index < kThreadCount; ++index) {
        pthread_join(threads[index], NULL);
        failures += jobs[index].failures;
    }
    return failures == 0 ? ACE_DT_EXIT_OK : ACE_DT_EXIT_FAILURE;
}

/* Writes until write_stdout fails, then reports how many writes worked. */
static int run_spam(ace_dt_context *ctx, void *user_data) {
    long line;
    (void)user_data;
    for (line = 0; line < 1000000L; ++line) {
        if (print(ctx, "line %ld\n", line) != 0) {
            char message[128];
            snprintf(message, sizeof message, "standard output closed after %ld lines", line);
            host->set_error(ctx, message);
            return 3;
        }
    }
    return ACE_DT_EXIT_OK;
}

static int run_hello(ace_dt_context *ctx, void *user_data) {
    size_t count = 0;
    const char *const *positionals = host->positionals(ctx, &count);
    (void)user_data;
    host->log(ctx, ACE_DT_LOG_INFO, "hello says info");
    print(ctx, "hello, %s\n", count > 0 ? positionals[0] : "world");
    return ACE_DT_EXIT_OK;
}

static const ace_dt_positional echo_positionals[] = {
    {sizeof(ace_dt_positional), "FIRST", "the first word", 1, 1},
    {sizeof(ace_dt_positional), "REST", "any further words", 0, ACE_DT_UNLIMITED},
};

static const ace_dt_flag echo_flags[] = {
    {sizeof(ace_dt_flag), "switch", 's', ACE_DT_FLAG_BOOL, "a boolean flag", NULL, NULL},
    {sizeof(ace_dt_flag), "name", 'n', ACE_DT_FLAG_STRING, "a string flag", "world", "NAME"},
    {sizeof(ace_dt_flag), "tag", 't', ACE_DT_FLAG_STRING_LIST, "a string list flag", "a,b", NULL},
    {sizeof(ace_dt_flag), "count", 'c', ACE_DT_FLAG_INT, "an integer flag", "7", NULL},
    {sizeof(ace_dt_flag), "fail", 0, ACE_DT_FLAG_INT, "fail with this status and a message", NULL, "STATUS"},
    {sizeof(ace_dt_flag), "fail-silently", 0, ACE_DT_FLAG_INT, "fail with this status, no message", NULL, NULL},
    {sizeof(ace_dt_flag), "log", 0, ACE_DT_FLAG_BOOL, "log one message at each level", NULL, NULL},
};

static const ace_dt_flag wait_flags[] = {
    {sizeof(ace_dt_flag), "ignore", 0, ACE_DT_FLAG_BOOL, "keep waiting after an interrupt", NULL, NULL},
};

static const ace_dt_positional hello_positionals[] = {
    {sizeof(ace_dt_positional), "NAME", "who to greet", 0, 1},
};

static const ace_dt_command commands[] = {
    {sizeof(ace_dt_command), "test echo", "echo FIRST [REST...]", "Print the arguments, flags and settings received",
     "Print every argument, flag value and host setting the command receives,\none per line.",
     "Echo two words with a tag:\nace-dt test echo one two --tag x", echo_positionals, 2, echo_flags, 7, run_echo,
     NULL},
    {sizeof(ace_dt_command), "test wait", NULL, "Wait up to ten seconds for an interrupt", NULL, NULL, NULL, 0,
     wait_flags, 1, run_wait, NULL},
    {sizeof(ace_dt_command), "test threads", NULL, "Write from several threads at once", NULL, NULL, NULL, 0, NULL, 0,
     run_threads, NULL},
    {sizeof(ace_dt_command), "test spam", NULL, "Write lines until standard output fails", NULL, NULL, NULL, 0, NULL,
     0, run_spam, NULL},
    {sizeof(ace_dt_command), "mirror hello", NULL, "Greet someone", NULL, NULL, hello_positionals, 1, NULL, 0,
     run_hello, NULL},
};

static const ace_dt_group groups[] = {
    {sizeof(ace_dt_group), "test", "Commands that exercise the plugin ABI"},
};

static const ace_dt_plugin_info info = {
    sizeof(ace_dt_plugin_info), ACE_DT_ABI_MAJOR, ACE_DT_ABI_MINOR, "test-good", "1.2.3",
    "A plugin in C that echoes what it receives", commands, 5, groups, 1,
};

ACE_DT_PLUGIN_ENTRY(host_table) {
    host = host_table;
    return &info;
}
