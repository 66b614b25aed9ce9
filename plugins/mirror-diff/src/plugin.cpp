// Entry point of the mirror-diff plugin: declares `ace-dt mirror diff` to
// the host and runs it.
#include "diff_command.hpp"

#include <ace_dt/plugin.h>
#include <ace_dt/plugin.hpp>

namespace {

const ace_dt_host_api *g_host = nullptr;

constexpr const char *kLongHelp =
    "Lists the images held in MIRROR-ARTIFACT, by the reference each was gathered from and its\n"
    "manifest digest.\n"
    "\n"
    "A mirror artifact is the OCI image index that \"ace-dt mirror gather\" or \"ace-dt mirror\n"
    "deserialize\" writes: one entry per gathered image, multi-platform index or nested mirror\n"
    "artifact.\n"
    "\n"
    "Each EXISTING-IMAGE (a previous mirror artifact, a multi-platform index or an image) removes\n"
    "from the list every image reachable from it, so the output shows what the destination still\n"
    "lacks. --expand lists the images of nested mirror artifacts in place of the nested artifact.\n"
    "\n"
    "Sources are registry references (HOST/REPOSITORY:TAG or @DIGEST), OCI image layout\n"
    "directories (oci:PATH, oci:PATH:TAG or oci:PATH@DIGEST), or OCI layouts in tar archives,\n"
    "plain or compressed with gzip or zstd (oci-archive:PATH[:TAG], oci-archive:PATH@DIGEST,\n"
    "or oci-archive:- for standard input).\n"
    "\n"
    "With -r/--recursive, the referrers of each listed image (signatures, SBOMs, attestations\n"
    "found through the OCI referrers API or the sha256-<hex> tag), and their referrers in turn,\n"
    "are listed after the image with their artifact type and subject. Referrers of the\n"
    "EXISTING-IMAGE arguments count as existing.\n"
    "\n"
    "Rows are sorted by reference, then digest, each followed by its referrers. Output files are\n"
    "written only after the whole traversal succeeded, and replaced whole.";

constexpr const char *kExamples =
    "List the images in a mirror artifact as a table on standard output:\n"
    "  ace-dt mirror diff reg.example.com/repo/data:sync-45\n"
    "\n"
    "Write the list as JSON to output.json and as CSV to standard output:\n"
    "  ace-dt mirror diff reg.example.com/repo/data:sync-45 -o json=output.json -o csv\n"
    "\n"
    "List only the images that the previous sync, sync-44, does not hold:\n"
    "  ace-dt mirror diff reg.example.com/repo/data:sync-45 reg.example.com/repo/data:sync-44\n"
    "\n"
    "List the images of nested mirror artifacts too, from an OCI layout on disk:\n"
    "  ace-dt mirror diff oci:./sync-45:sync-45 --expand\n"
    "\n"
    "List new images with their signatures and SBOMs as JSON:\n"
    "  ace-dt mirror diff -r reg.example.com/repo/data:sync-45 reg.example.com/repo/data:sync-44 -o json";

const ace_dt_positional kPositionals[] = {
    {sizeof(ace_dt_positional), "MIRROR-ARTIFACT", "the mirror artifact to list", 1, 1},
    {sizeof(ace_dt_positional), "EXISTING-IMAGE", "images whose content is left out of the list", 0,
     ACE_DT_UNLIMITED},
};

const ace_dt_flag kFlags[] = {
    {sizeof(ace_dt_flag), "expand", 0, ACE_DT_FLAG_BOOL,
     "List the images of nested mirror artifacts instead of one row per nested artifact.", "false", nullptr},
    {sizeof(ace_dt_flag), "output", 'o', ACE_DT_FLAG_STRING_LIST,
     "Output format: table, json or csv; FORMAT=FILE writes to FILE instead of standard output. "
     "Repeatable and comma separated.",
     "table", "FORMAT[=FILE]"},
};

int run_mirror_diff(ace_dt_context *ctx, void * /*user_data*/) {
    return ace_dt::run_guarded(g_host, ctx,
                               [](const ace_dt::Context &context) { return acedt::mirror_diff::run_diff(context); });
}

const ace_dt_command kCommands[] = {
    {sizeof(ace_dt_command), "mirror diff", "ace-dt mirror diff MIRROR-ARTIFACT [EXISTING-IMAGE...] [flags]",
     "List images within a mirror artifact and compare with existing images.", kLongHelp, kExamples,
     kPositionals, sizeof(kPositionals) / sizeof(kPositionals[0]), kFlags, sizeof(kFlags) / sizeof(kFlags[0]),
     run_mirror_diff, nullptr},
};

const ace_dt_group kGroups[] = {
    {sizeof(ace_dt_group), "mirror", "Work with mirror artifacts: OCI indexes that gather many images."},
};

const ace_dt_plugin_info kInfo = {
    sizeof(ace_dt_plugin_info),
    ACE_DT_ABI_MAJOR,
    ACE_DT_ABI_MINOR,
    "mirror-diff",
    ACE_DT_MIRROR_DIFF_VERSION,
    "Lists the images of mirror artifacts and compares them with existing images.",
    kCommands,
    sizeof(kCommands) / sizeof(kCommands[0]),
    kGroups,
    sizeof(kGroups) / sizeof(kGroups[0]),
};

}  // namespace

ACE_DT_PLUGIN_ENTRY(host) {
    if (host == nullptr || host->abi_major != ACE_DT_ABI_MAJOR) {
        return nullptr;
    }
    g_host = host;
    return &kInfo;
}
