#include "diff_command.hpp"

#include "output.hpp"
#include "progress.hpp"
#include "traversal.hpp"

#include <acedt/oci/client_config.hpp>
#include <acedt/oci/error.hpp>
#include <acedt/oci/source.hpp>

#include <algorithm>
#include <atomic>
#include <memory>

#include <unistd.h>

namespace acedt::mirror_diff {
namespace {

std::vector<OutputSpec> read_output_specs(const ace_dt::Context &context) {
    try {
        std::vector<OutputSpec> specs = parse_output_specs(context.flag_string_list("output"));
        check_output_paths(specs);
        return specs;
    } catch (const OutputSpecError &e) {
        throw ace_dt::CommandError(e.what(), ACE_DT_EXIT_USAGE);
    }
}

// `cancelled` makes requests in flight stop as on Ctrl-C, once the
// traversal has failed and their results are no longer needed.
oci::ClientHooks make_hooks(const ace_dt::Context &context, const std::shared_ptr<const std::atomic<bool>> &cancelled) {
    oci::ClientHooks hooks;
    // Log lines during the traversal erase the progress line first, so
    // that they start at the beginning of a line of their own.
    hooks.log = [&context](int level, const std::string &message) {
        write_above_progress([&] { context.log(level, message); });
    };
    hooks.interrupted = [&context, cancelled] { return context.interrupted() || cancelled->load(); };
    return hooks;
}

struct Sources {
    std::unique_ptr<oci::ManifestSource> mirror;
    std::vector<std::unique_ptr<oci::ManifestSource>> existing;
};

// Opens every source before any network access, so that a malformed
// argument is a usage error that costs no request.
Sources open_sources(oci::SourceOpener &opener, const std::vector<std::string> &arguments) {
    try {
        Sources sources;
        sources.mirror = opener.open(arguments.front());
        for (std::size_t i = 1; i < arguments.size(); ++i) {
            sources.existing.push_back(opener.open(arguments[i]));
        }
        return sources;
    } catch (const oci::Error &e) {
        throw ace_dt::CommandError(e.what(), ACE_DT_EXIT_USAGE);
    }
}

std::vector<Row> compute_rows(const ace_dt::Context &context, const std::vector<std::string> &arguments,
                              const ListOptions &options) {
    const oci::ClientConfig config = oci::ClientConfig::from_json(context.config_json());
    const auto cancelled = std::make_shared<std::atomic<bool>>(false);
    oci::SourceOpener opener(config, make_hooks(context, cancelled));
    Sources sources = open_sources(opener, arguments);

    TraversalSettings settings;
    settings.concurrency = config.concurrent_http;
    settings.interrupted = [&context] { return context.interrupted(); };
    settings.cancel = [cancelled] { cancelled->store(true); };
    // The progress line needs a terminal, and -v error turns it off.
    settings.show_progress = isatty(STDERR_FILENO) == 1 && context.verbosity() > ACE_DT_LOG_ERROR;

    std::vector<oci::ManifestSource *> existing;
    for (const auto &source : sources.existing) {
        existing.push_back(source.get());
    }
    DiffResult result = diff(*sources.mirror, existing, options, settings);
    if (!sources.existing.empty()) {
        context.info("manifests reachable from the existing images: " + std::to_string(result.existing_manifests));
    }

    if (options.referrers) {
        const auto referrers =
            std::count_if(result.rows.begin(), result.rows.end(), [](const Row &row) { return row.is_referrer(); });
        context.info("referrers listed: " + std::to_string(referrers));
    }
    return std::move(result.rows);
}

void write_outputs(const ace_dt::Context &context, const std::vector<OutputSpec> &specs,
                   const std::vector<Row> &rows, bool referrers) {
    for (const OutputSpec &spec : specs) {
        const std::string content = render(spec.format, rows, referrers);
        if (spec.path) {
            write_output_file(*spec.path, content);
            context.info("wrote " + spec.path->string());
        } else {
            context.write(content);
        }
    }
}

}  // namespace

int run_diff(const ace_dt::Context &context) {
    const std::vector<OutputSpec> specs = read_output_specs(context);
    const std::vector<std::string> arguments = context.positionals();
    ListOptions options;
    options.expand = context.flag_bool("expand");
    options.referrers = context.recursive();

    std::vector<Row> rows;
    try {
        rows = compute_rows(context, arguments, options);
    } catch (const oci::InterruptedError &) {
        throw ace_dt::Interrupted();
    } catch (const oci::Error &e) {
        throw ace_dt::CommandError(e.what());
    }

    if (rows.empty()) {
        context.warn(arguments.front() + " has no images left to list");
    }
    try {
        write_outputs(context, specs, rows, options.referrers);
    } catch (const std::runtime_error &e) {
        throw ace_dt::CommandError(e.what());
    }
    return ACE_DT_EXIT_OK;
}

}  // namespace acedt::mirror_diff
