#include "diff_command.hpp"

#include "output.hpp"
#include "traversal.hpp"

#include <acedt/oci/client_config.hpp>
#include <acedt/oci/error.hpp>
#include <acedt/oci/source.hpp>

#include <algorithm>
#include <memory>

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

oci::ClientHooks make_hooks(const ace_dt::Context &context) {
    oci::ClientHooks hooks;
    hooks.log = [&context](int level, const std::string &message) { context.log(level, message); };
    hooks.interrupted = [&context] { return context.interrupted(); };
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
    oci::SourceOpener opener(oci::ClientConfig::from_json(context.config_json()), make_hooks(context));
    Sources sources = open_sources(opener, arguments);

    const auto interrupted = [&context] { return context.interrupted(); };
    ExistingSet existing(interrupted, options.referrers);
    for (const auto &source : sources.existing) {
        existing.add(*source);
    }
    if (!sources.existing.empty()) {
        context.info("manifests reachable from the existing images: " + std::to_string(existing.size()));
    }

    std::vector<Row> rows = list_rows(*sources.mirror, existing, options, interrupted);
    if (options.referrers) {
        const auto referrers = std::count_if(rows.begin(), rows.end(), [](const Row &row) { return row.is_referrer(); });
        context.info("referrers listed: " + std::to_string(referrers));
    }
    return rows;
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
