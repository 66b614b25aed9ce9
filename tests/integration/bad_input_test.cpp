// Bad input, faults and limits through the real `ace-dt mirror diff`
// binary: one row per input, each checking the exit status, standard output,
// the error text and that output files are left as they were.
//
// Manifests come from OCI layouts written by LayoutBuilder. Registry faults
// (a server that never responds, a cut-off body, a 500 for one manifest,
// slow responses) come from ScriptedRegistry, because Debian's
// docker-registry cannot be made to produce them.
#include "ace_dt_runner.hpp"
#include "scripted_registry.hpp"

#include <acedt_test/digest.hpp>
#include <acedt_test/layout_builder.hpp>
#include <acedt_test/process.hpp>
#include <acedt_test/temp_dir.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace acedt_test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

const std::string kRepository = "mirror/data";
const std::string kPreviousOutput = "previous output, must survive\n";
constexpr fs::perms kPreviousMode = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read;
// The user and group `nobody` on Debian. Rows about permissions run ace-dt
// as this user when the tests run as root, because root ignores file modes.
constexpr int kNobody = 65534;

std::string read_file(const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void write_file(const fs::path &path, const std::string &content) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

std::string quoted(const std::string &text) { return json::serialize(json::string(text)); }

// A descriptor as JSON text, with the fields given verbatim so that a row
// can make any of them malformed. An empty field is left out.
std::string descriptor_json(const std::string &media_type, const std::string &digest_field,
                            const std::string &size_field, const std::string &annotations_field = "") {
    std::string text = "{\"mediaType\":" + quoted(media_type);
    if (!digest_field.empty()) text += ",\"digest\":" + digest_field;
    if (!size_field.empty()) text += ",\"size\":" + size_field;
    if (!annotations_field.empty()) text += ",\"annotations\":" + annotations_field;
    return text + "}";
}

std::string image_entry(int seed) {
    const std::string source = "example.test/app/" + std::to_string(seed) + ":v1";
    return descriptor_json(std::string(kOciManifestType), quoted(sha256_digest("image " + std::to_string(seed))),
                           "512", "{" + quoted(std::string(kSourceAnnotation)) + ":" + quoted(source) + "}");
}

// A mirror artifact as JSON text around `entries` (descriptor JSON texts).
std::string mirror_json(const std::vector<std::string> &entries, const std::string &schema_version = "2") {
    std::string text = "{\"schemaVersion\":" + schema_version + ",\"mediaType\":" + quoted(std::string(kOciIndexType)) +
                       ",\"artifactType\":" + quoted(std::string(kGatherArtifactType)) + ",\"manifests\":[";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        text += (i ? "," : "") + entries[i];
    }
    return text + "],\"annotations\":{" + quoted(std::string(kVersionAnnotation)) + ":" +
           quoted(std::string(kTestGatherVersion)) + "}}";
}

std::string blob_descriptor(const Blob &blob, const std::string &source) {
    return descriptor_json(blob.media_type, quoted(blob.digest), std::to_string(blob.size),
                           "{" + quoted(std::string(kSourceAnnotation)) + ":" + quoted(source) + "}");
}

// A port on 127.0.0.1 that nothing listens on: bound, read and closed.
int unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot bind a socket on 127.0.0.1");
    }
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// Everything one row works in: a directory with a layout and the ace-dt
// home, and optionally a scripted registry.
struct Workspace {
    TempDir dir;
    LayoutBuilder layout{dir.path() / "layout"};
    std::unique_ptr<ScriptedRegistry> registry;
    std::string config;  // YAML below apiVersion and kind

    fs::path output_dir() const { return dir.path() / "out"; }

    // "oci:DIR:TAG" for a manifest stored and tagged in the layout.
    std::string tag_layout(const Blob &root, const std::string &tag = "bad") {
        layout.tag(root, tag);
        return "oci:" + layout.dir().string() + ":" + tag;
    }

    std::string tag_raw(const std::string &body) {
        return tag_layout(layout.add_raw_manifest(body, std::string(kOciIndexType)));
    }

    // Starts the scripted registry with a valid mirror artifact tagged
    // "sync" and returns its reference.
    std::string start_registry() {
        registry = std::make_unique<ScriptedRegistry>();
        registry->add_manifest(kRepository, "sync", mirror_json({image_entry(1), image_entry(2)}),
                               std::string(kOciIndexType));
        return registry->host_port() + "/" + kRepository + ":sync";
    }
};

// What a row runs and expects.
struct Invocation {
    std::vector<std::string> arguments;  // after "mirror diff"
    int exit_code = 1;
    // Substrings of standard error that name the failing value or the fix.
    std::vector<std::string> errors;
    // Substrings standard error must not contain, such as a wrong cause.
    std::vector<std::string> absent_errors;
    // The -o value for standard output.
    std::string stdout_format = "table";
    // Further -o values, such as an output file that cannot be written.
    std::vector<std::string> extra_outputs;
    // Global options placed before "mirror diff", such as --config.
    std::vector<std::string> global_options;
    // Expected number of rows on success.
    std::optional<std::size_t> rows;
    // The scripted registry must not receive any request.
    bool no_requests = false;
    // Runs ace-dt as the unprivileged user `nobody` when the tests run as root.
    bool unprivileged = false;
    // Upper bound for the run, for rows about timeouts.
    std::optional<std::chrono::seconds> max_duration;
    // Upper bound for the peak resident set size of ace-dt, in MiB.
    std::optional<long> max_rss_mib;
    // Further checks of standard output.
    std::function<void(const std::string &)> check_stdout;
};

// Factor for memory bounds in a sanitizer build. AddressSanitizer keeps freed
// memory in quarantine and adds redzones: the nested 100,000-entry row took
// 648 MiB under it, against 107 to 192 MiB without it.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kSanitizerMemoryFactor = 4;
#else
constexpr long kSanitizerMemoryFactor = 1;
#endif

// Copies ace-dt and its plugin directory, keeping their relative places,
// to `target`, and returns the copied binary. The build may sit where
// another user cannot reach it, such as a clone under /root.
fs::path copy_build_for_nobody(const fs::path &target) {
    const fs::path binary = fs::relative(ACE_DT_BINARY, ACE_DT_BUILD_DIR);
    const fs::path plugins = fs::relative(ACE_DT_PLUGIN_OUTPUT_DIR, ACE_DT_BUILD_DIR);

    fs::create_directories(target / binary.parent_path());
    fs::create_directories(target / plugins);
    fs::copy_file(ACE_DT_BINARY, target / binary);
    fs::copy(ACE_DT_PLUGIN_OUTPUT_DIR, target / plugins, fs::copy_options::recursive);
    for (const auto &entry : fs::recursive_directory_iterator(target)) {
        fs::permissions(entry.path(), fs::perms::others_read | fs::perms::group_read, fs::perm_options::add);
        if (entry.is_directory()) {
            fs::permissions(entry.path(), fs::perms::others_exec | fs::perms::group_exec, fs::perm_options::add);
        }
    }
    fs::permissions(target, fs::perms::others_read | fs::perms::others_exec, fs::perm_options::add);
    return target / binary;
}

struct BadInputCase {
    std::string name;
    std::function<Invocation(Workspace &)> prepare;
};

void PrintTo(const BadInputCase &row, std::ostream *out) { *out << row.name; }

bool has_raw_control_bytes(const std::string &text, bool allow_cr) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == '\n' || (allow_cr && byte == '\r')) continue;
        if (byte < 0x20 || byte == 0x7F) return true;
    }
    return false;
}

// Checks that `out` is empty or a complete document of `format`, and
// returns the number of rows in it.
std::size_t check_stdout_format(const std::string &format, const std::string &out) {
    if (format == "json") {
        boost::system::error_code ec;
        const json::value parsed = json::parse(out, ec);
        EXPECT_FALSE(ec) << "standard output is not valid JSON: " << out.substr(0, 400);
        EXPECT_TRUE(parsed.is_array()) << out.substr(0, 400);
        return parsed.is_array() ? parsed.as_array().size() : 0;
    }

    EXPECT_FALSE(has_raw_control_bytes(out, format == "csv")) << "raw control bytes on standard output";
    std::istringstream lines(out);
    std::string header;
    std::getline(lines, header);
    if (format == "csv") {
        EXPECT_EQ(header, "reference,digest\r");
    } else {
        EXPECT_EQ(header.rfind("REFERENCE", 0), 0u) << header;
    }
    std::size_t count = 0;
    for (std::string line; std::getline(lines, line);) ++count;
    return count;
}

class BadInputTest : public ::testing::TestWithParam<BadInputCase> {};

TEST_P(BadInputTest, FailsCleanlyOrListsRows) {
    Workspace workspace;
    const Invocation invocation = GetParam().prepare(workspace);

    fs::create_directories(workspace.output_dir());
    const fs::path previous = workspace.output_dir() / "previous.json";
    const fs::path fresh = workspace.output_dir() / "fresh.csv";
    write_file(previous, kPreviousOutput);
    fs::permissions(previous, kPreviousMode);

    AceDtRunner runner(workspace.dir.path() / "home");
    fs::create_directories(runner.home());
    runner.set_config(workspace.config);
    if (invocation.unprivileged && ::geteuid() == 0) {
        runner.set_binary(copy_build_for_nobody(workspace.dir.path() / "build"));
        fs::permissions(workspace.dir.path(), fs::perms::all);
        fs::permissions(workspace.output_dir(), fs::perms::all);
        fs::permissions(runner.home(), fs::perms::all);
        runner.set_command_prefix({"setpriv", "--reuid=" + std::to_string(kNobody),
                                   "--regid=" + std::to_string(kNobody), "--clear-groups"});
    }

    std::vector<std::string> arguments = invocation.global_options;
    arguments.insert(arguments.end(), {"mirror", "diff"});
    arguments.insert(arguments.end(), invocation.arguments.begin(), invocation.arguments.end());
    arguments.insert(arguments.end(), {"-o", invocation.stdout_format, "-o", "json=" + previous.string(), "-o",
                                       "csv=" + fresh.string()});
    for (const std::string &extra : invocation.extra_outputs) {
        arguments.insert(arguments.end(), {"-o", extra});
    }

    const auto started = Clock::now();
    const ProcessResult result = runner.run(arguments);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    rusage usage{};
    ::getrusage(RUSAGE_CHILDREN, &usage);

    // ACE_DT_TEST_SHOW_STDERR=1 prints every row's error text for review.
    if (std::getenv("ACE_DT_TEST_SHOW_STDERR") != nullptr) {
        std::cerr << GetParam().name << ": exit " << result.exit_code << ", stderr: " << result.err << "\n";
    }
    ASSERT_FALSE(result.timed_out) << "ace-dt did not finish; stderr: " << result.err;
    EXPECT_EQ(result.exit_code, invocation.exit_code) << "stderr: " << result.err;
    for (const std::string &error : invocation.errors) {
        EXPECT_NE(result.err.find(error), std::string::npos) << "expected \"" << error << "\" in stderr: " << result.err;
    }
    for (const std::string &error : invocation.absent_errors) {
        EXPECT_EQ(result.err.find(error), std::string::npos) << "unexpected \"" << error << "\" in stderr: " << result.err;
    }
    if (invocation.max_duration) {
        EXPECT_LT(elapsed, *invocation.max_duration) << "ran for " << elapsed.count() << " ms";
        std::cerr << GetParam().name << ": ace-dt ran for " << elapsed.count() << " ms\n";
    }
    if (invocation.max_rss_mib) {
        // ru_maxrss of RUSAGE_CHILDREN is the largest peak of any child
        // waited for so far, so it bounds this run from above.
        const long peak_mib = usage.ru_maxrss / 1024;
        EXPECT_LT(peak_mib, *invocation.max_rss_mib * kSanitizerMemoryFactor);
        std::cerr << GetParam().name << ": peak RSS of the largest child so far " << peak_mib << " MiB\n";
    }
    if (invocation.no_requests) {
        ASSERT_TRUE(workspace.registry);
        EXPECT_EQ(workspace.registry->connection_count(), 0) << "ace-dt connected before it rejected the input";
    }

    if (invocation.exit_code != 0) {
        EXPECT_EQ(result.out, "") << "standard output of a failed run";
        EXPECT_EQ(read_file(previous), kPreviousOutput) << "a failed run changed an existing output file";
        EXPECT_EQ(fs::status(previous).permissions(), kPreviousMode);
        EXPECT_FALSE(fs::exists(fresh)) << "a failed run created an output file";
    } else {
        const std::size_t rows = check_stdout_format(invocation.stdout_format, result.out);
        EXPECT_EQ(check_stdout_format("json", read_file(previous)), rows);
        EXPECT_EQ(fs::status(previous).permissions(), kPreviousMode) << "the replaced file lost its mode";
        EXPECT_EQ(check_stdout_format("csv", read_file(fresh)), rows);
        if (invocation.rows) {
            EXPECT_EQ(rows, *invocation.rows);
        }
        if (invocation.check_stdout) {
            invocation.check_stdout(result.out);
        }
    }

    // Temporary files of the atomic replacement must not be left behind.
    for (const auto &entry : fs::directory_iterator(workspace.output_dir())) {
        const std::string name = entry.path().filename().string();
        EXPECT_TRUE(name == "previous.json" || name == "fresh.csv" || name == "locked") << "stray file " << name;
    }
}

// ---- Manifests ----

Invocation layout_failure(std::string reference, std::vector<std::string> errors) {
    Invocation invocation;
    invocation.arguments = {std::move(reference)};
    invocation.errors = std::move(errors);
    return invocation;
}

Invocation malformed_entry(Workspace &workspace, const std::string &entry, std::vector<std::string> errors) {
    const std::string body = mirror_json({image_entry(1), entry});
    const std::string reference = workspace.tag_raw(body);
    errors.push_back(sha256_digest(body));
    return layout_failure(reference, errors);
}

// A root mirror artifact whose only entry is a nested mirror artifact,
// listed with --expand so that the nested one is fetched and checked.
Invocation nested_failure(Workspace &workspace, const std::string &nested_entry, std::vector<std::string> errors) {
    Invocation invocation = layout_failure(workspace.tag_raw(mirror_json({image_entry(1), nested_entry})), std::move(errors));
    invocation.arguments.push_back("--expand");
    return invocation;
}

// A chain of `depth` mirror artifacts, each the only nested entry of the
// one above, the deepest listing one image.
std::string nested_chain(Workspace &workspace, int depth) {
    Blob current = workspace.layout.add_raw_manifest(mirror_json({image_entry(0)}), std::string(kOciIndexType));
    for (int level = 1; level < depth; ++level) {
        current = workspace.layout.add_raw_manifest(
            mirror_json({blob_descriptor(current, "example.test/level/" + std::to_string(level) + ":v1")}),
            std::string(kOciIndexType));
    }
    return workspace.tag_layout(current);
}

const std::string kUnicodeEscapes = "esc\\u001b[31mred bell\\u0007 nul\\u0000byte del\\u007f";

Invocation annotation_row(Workspace &workspace, const std::string &format) {
    const std::string annotations = "{" + quoted(std::string(kSourceAnnotation)) + ":\"" + kUnicodeEscapes + "\"}";
    const std::string entry = descriptor_json(std::string(kOciManifestType), quoted(sha256_digest("escaped")), "10",
                                              annotations);
    Invocation invocation;
    invocation.arguments = {workspace.tag_raw(mirror_json({entry}))};
    invocation.exit_code = 0;
    invocation.stdout_format = format;
    invocation.rows = 1;
    invocation.check_stdout = [format](const std::string &out) {
        const std::string decoded = std::string("esc\x1b[31mred bell\x07 nul") + '\0' + "byte del\x7f";
        if (format == "json") {
            const json::value parsed = json::parse(out);
            EXPECT_EQ(parsed.as_array().at(0).as_object().at("reference").as_string(), decoded);
        } else {
            EXPECT_NE(out.find("esc\\x1B[31mred bell\\x07 nul\\x00byte del\\x7F"), std::string::npos) << out;
        }
    };
    return invocation;
}

const std::vector<BadInputCase> kManifestCases = {
    {"ManifestNotJson",
     [](Workspace &w) {
         const std::string body = "this is not JSON {";
         return layout_failure(w.tag_raw(body), {sha256_digest(body), "JSON"});
     }},
    {"ManifestJsonArray",
     [](Workspace &w) {
         const std::string body = R"([{"schemaVersion": 2}])";
         return layout_failure(w.tag_raw(body), {sha256_digest(body)});
     }},
    {"ManifestsFieldNotArray",
     [](Workspace &w) {
         const std::string body = R"({"schemaVersion":2,"mediaType":")" + std::string(kOciIndexType) +
                                  R"(","artifactType":")" + std::string(kGatherArtifactType) +
                                  R"(","manifests":{"a":1}})";
         return layout_failure(w.tag_raw(body), {sha256_digest(body), "manifests"});
     }},
    {"SchemaVersionOne",
     [](Workspace &w) {
         const std::string body = mirror_json({image_entry(1)}, "1");
         return layout_failure(w.tag_raw(body), {sha256_digest(body), "schema 1"});
     }},
    {"SchemaVersionThree",
     [](Workspace &w) {
         const std::string body = mirror_json({image_entry(1)}, "3");
         return layout_failure(w.tag_raw(body), {sha256_digest(body), "schemaVersion"});
     }},
    {"SchemaVersionString",
     [](Workspace &w) {
         const std::string body = mirror_json({image_entry(1)}, "\"2\"");
         return layout_failure(w.tag_raw(body), {sha256_digest(body), "schemaVersion"});
     }},
    {"DigestMissing",
     [](Workspace &w) { return malformed_entry(w, descriptor_json(std::string(kOciManifestType), "", "10"), {"digest"}); }},
    {"DigestMalformed",
     [](Workspace &w) {
         return malformed_entry(w, descriptor_json(std::string(kOciManifestType), "\"sha256:12ab\"", "10"),
                                {"sha256:12ab"});
     }},
    {"DigestNotString",
     [](Workspace &w) {
         return malformed_entry(w, descriptor_json(std::string(kOciManifestType), "42", "10"), {"digest"});
     }},
    {"DigestUnknownAlgorithm",
     [](Workspace &w) {
         return malformed_entry(
             w, descriptor_json(std::string(kOciManifestType), "\"md5:0123456789abcdef0123456789abcdef\"", "10"),
             {"md5:0123456789abcdef0123456789abcdef"});
     }},
    {"SizeMissing",
     [](Workspace &w) {
         return malformed_entry(w, descriptor_json(std::string(kOciManifestType), quoted(sha256_digest("x")), ""),
                                {"size"});
     }},
    {"SizeString",
     [](Workspace &w) {
         return malformed_entry(w, descriptor_json(std::string(kOciManifestType), quoted(sha256_digest("x")), "\"10\""),
                                {"size"});
     }},
    {"SizeNegative",
     [](Workspace &w) {
         return malformed_entry(w, descriptor_json(std::string(kOciManifestType), quoted(sha256_digest("x")), "-5"),
                                {"size", "-5"});
     }},
    {"SizeBeyondInt64",
     [](Workspace &w) {
         return malformed_entry(
             w, descriptor_json(std::string(kOciManifestType), quoted(sha256_digest("x")), "99999999999999999999"),
             {"size"});
     }},
    {"SizeFractional",
     [](Workspace &w) {
         return malformed_entry(w, descriptor_json(std::string(kOciManifestType), quoted(sha256_digest("x")), "1.5"),
                                {"size"});
     }},
    {"NestedSizeOverManifestLimit",
     [](Workspace &w) {
         const Blob nested = w.layout.add_raw_manifest(mirror_json({image_entry(2)}), std::string(kOciIndexType));
         const std::string entry = descriptor_json(nested.media_type, quoted(nested.digest), "1099511627776");
         return nested_failure(w, entry, {nested.digest, "limit"});
     }},
    {"NestedSizeMismatch",
     [](Workspace &w) {
         const Blob nested = w.layout.add_raw_manifest(mirror_json({image_entry(2)}), std::string(kOciIndexType));
         const std::string entry = descriptor_json(nested.media_type, quoted(nested.digest), std::to_string(nested.size + 1));
         return nested_failure(w, entry, {nested.digest, "does not match"});
     }},
    {"NestedDigestMismatch",
     [](Workspace &w) {
         // The blob file named by the descriptor contains other bytes.
         const Blob nested = w.layout.add_raw_manifest(mirror_json({image_entry(2)}), std::string(kOciIndexType));
         std::string other = mirror_json({image_entry(3)});
         other.resize(static_cast<std::size_t>(nested.size), ' ');
         write_file(w.layout.blob_path(nested), other);
         return nested_failure(w, blob_descriptor(nested, "example.test/nested:v1"),
                               {nested.digest, sha256_digest(other), "does not match"});
     }},
    {"NestingNineLevels",
     [](Workspace &w) {
         Invocation invocation = layout_failure(nested_chain(w, 10), {"nested more than 8 levels"});
         invocation.arguments.push_back("--expand");
         return invocation;
     }},
    {"NestingEightLevelsWorks",
     [](Workspace &w) {
         Invocation invocation;
         invocation.arguments = {nested_chain(w, 9), "--expand"};
         invocation.exit_code = 0;
         invocation.rows = 1;
         return invocation;
     }},
    {"AnnotationControlCharactersTable", [](Workspace &w) { return annotation_row(w, "table"); }},
    {"AnnotationControlCharactersCsv", [](Workspace &w) { return annotation_row(w, "csv"); }},
    {"AnnotationControlCharactersJson", [](Workspace &w) { return annotation_row(w, "json"); }},
    {"AnnotationInvalidUtf8",
     [](Workspace &w) {
         // Raw bytes that are not UTF-8 make the manifest invalid JSON (RFC
         // 8259 requires UTF-8), so it is rejected, not printed.
         const std::string annotations = "{" + quoted(std::string(kSourceAnnotation)) + ":\"bad \xff\xfe bytes\"}";
         const std::string body = mirror_json(
             {descriptor_json(std::string(kOciManifestType), quoted(sha256_digest("utf8")), "10", annotations)});
         return layout_failure(w.tag_raw(body), {sha256_digest(body)});
     }},
    {"AnnotationLoneSurrogate",
     [](Workspace &w) {
         // \ud800 alone encodes no character, so no UTF-8 text can hold it.
         // Boost.JSON (1.74, Debian 12) rejects it while parsing.
         const std::string annotations = "{" + quoted(std::string(kSourceAnnotation)) + ":\"half \\ud800 pair\"}";
         const std::string body = mirror_json({descriptor_json(std::string(kOciManifestType),
                                                               quoted(sha256_digest("surrogate")), "10", annotations)});
         return layout_failure(w.tag_raw(body), {sha256_digest(body), "not valid JSON"});
     }},
};

INSTANTIATE_TEST_SUITE_P(Manifests, BadInputTest, ::testing::ValuesIn(kManifestCases),
                         [](const auto &info) { return info.param.name; });

// ---- Limits ----

// An index of `count` image entries.
std::string many_entries(int first, int count) {
    std::vector<std::string> entries;
    entries.reserve(static_cast<std::size_t>(count));
    for (int i = first; i < first + count; ++i) {
        entries.push_back(image_entry(i));
    }
    return mirror_json(entries);
}

constexpr int kManyEntries = 100000;

const std::vector<BadInputCase> kLimitCases = {
    {"OneIndexOfHundredThousandEntries",
     [](Workspace &w) {
         // About 230 bytes per descriptor make this index about 23 MB, within
         // the 32 MiB limit for one manifest.
         const Blob root = w.layout.add_raw_manifest(many_entries(0, kManyEntries), std::string(kOciIndexType));
         Invocation invocation;
         invocation.arguments = {w.tag_layout(root)};
         invocation.exit_code = 0;
         invocation.stdout_format = "json";
         invocation.rows = kManyEntries;
         invocation.max_rss_mib = 300;
         return invocation;
     }},
    {"HundredThousandEntriesNested",
     [](Workspace &w) {
         constexpr int kChildren = 25;
         constexpr int kPerChild = kManyEntries / kChildren;
         std::vector<std::string> children;
         for (int child = 0; child < kChildren; ++child) {
             const Blob nested = w.layout.add_raw_manifest(many_entries(child * kPerChild, kPerChild),
                                                           std::string(kOciIndexType));
             children.push_back(blob_descriptor(nested, "example.test/part/" + std::to_string(child) + ":v1"));
         }
         Invocation invocation;
         invocation.arguments = {w.tag_raw(mirror_json(children)), "--expand"};
         invocation.exit_code = 0;
         invocation.stdout_format = "json";
         invocation.rows = kManyEntries;
         invocation.max_rss_mib = 300;
         return invocation;
     }},
};

INSTANTIATE_TEST_SUITE_P(Limits, BadInputTest, ::testing::ValuesIn(kLimitCases),
                         [](const auto &info) { return info.param.name; });

// ---- Registry behaviour ----

const std::vector<BadInputCase> kRegistryCases = {
    {"ConnectionRefused",
     [](Workspace &) {
         const std::string host_port = "127.0.0.1:" + std::to_string(unused_port());
         return layout_failure(host_port + "/" + kRepository + ":sync", {host_port});
     }},
    {"ServerNeverAnswers",
     [](Workspace &w) {
         const std::string reference = w.start_registry();
         w.registry->set_fault("/manifests/sync", Fault::NeverAnswer);
         w.config = "httpIdleTimeout: 1s\n";
         Invocation invocation = layout_failure(
             reference, {reference + ": GET http://" + w.registry->host_port() + "/v2/" + kRepository +
                             "/manifests/sync failed: no data for 1s (httpIdleTimeout) while waiting for the response"});
         invocation.absent_errors = {"cannot connect"};
         // Well below the 30 s default, so the configured 1 s must have applied.
         invocation.max_duration = std::chrono::seconds(15);
         return invocation;
     }},
    {"BodyCutOff",
     [](Workspace &w) {
         const std::string reference = w.start_registry();
         w.registry->set_fault("/manifests/sync", Fault::CutBody);
         const std::size_t length = mirror_json({image_entry(1), image_entry(2)}).size();
         Invocation invocation = layout_failure(
             reference, {reference + ": GET http://" + w.registry->host_port() + "/v2/" + kRepository +
                             "/manifests/sync failed: connection closed after " + std::to_string(length / 2) + " of " +
                             std::to_string(length) + " bytes of the response body"});
         invocation.absent_errors = {"cannot connect"};
         return invocation;
     }},
    {"ServerSendsOtherBody",
     [](Workspace &w) {
         const std::string reference = w.start_registry();
         const std::string expected = mirror_json({image_entry(7)});
         const std::string nested = w.registry->add_manifest(kRepository, "nested", expected, std::string(kOciIndexType));
         // Requests for the nested digest get other bytes of the same size.
         std::string other = mirror_json({image_entry(8)});
         other.resize(expected.size(), ' ');
         w.registry->add_manifest(kRepository, nested, other, std::string(kOciIndexType));
         const std::string root = mirror_json({descriptor_json(std::string(kOciIndexType), quoted(nested),
                                                               std::to_string(expected.size()))});
         w.registry->add_manifest(kRepository, "sync", root, std::string(kOciIndexType));
         Invocation invocation = layout_failure(reference, {nested});
         invocation.arguments.push_back("--expand");
         return invocation;
     }},
    {"RetriesFollowConfiguration",
     [](Workspace &w) {
         const std::string reference = w.start_registry();
         w.registry->set_fault("/manifests/sync", Fault::Status503);
         w.config = "httpRetries: 1\nhttpRetryMaxTime: 5s\n";
         Invocation invocation =
             layout_failure(reference, {"retry 1 of 1", "503", "/v2/" + kRepository + "/manifests/sync"});
         // One retry after the 1 s first backoff, not four retries over 15 s.
         invocation.max_duration = std::chrono::seconds(10);
         return invocation;
     }},
    {"Status500OnOneOfMany",
     [](Workspace &w) {
         const std::string reference = w.start_registry();
         std::vector<std::string> children;
         std::string failing;
         for (int child = 0; child < 6; ++child) {
             const std::string body = mirror_json({image_entry(10 * child), image_entry(10 * child + 1)});
             const std::string digest = w.registry->add_manifest(kRepository, "part-" + std::to_string(child), body,
                                                                 std::string(kOciIndexType));
             const std::string source = "example.test/part/" + std::to_string(child) + ":v1";
             children.push_back(descriptor_json(std::string(kOciIndexType), quoted(digest), std::to_string(body.size()),
                                                "{" + quoted(std::string(kSourceAnnotation)) + ":" + quoted(source) + "}"));
             if (child == 3) failing = digest;
         }
         w.registry->add_manifest(kRepository, "sync", mirror_json(children), std::string(kOciIndexType));
         w.registry->set_fault(failing, Fault::Status500);
         Invocation invocation =
             layout_failure(reference, {"500", reference + " > example.test/part/3:v1@" + failing});
         invocation.arguments.push_back("--expand");
         return invocation;
     }},
};

INSTANTIATE_TEST_SUITE_P(Registry, BadInputTest, ::testing::ValuesIn(kRegistryCases),
                         [](const auto &info) { return info.param.name; });

// ---- Local input, rejected before any request ----

Invocation rejected_before_requests(Workspace &w, std::vector<std::string> errors, int exit_code = 1) {
    Invocation invocation;
    invocation.arguments = {w.start_registry()};
    invocation.errors = std::move(errors);
    invocation.exit_code = exit_code;
    invocation.no_requests = true;
    return invocation;
}

const std::vector<BadInputCase> kLocalCases = {
    {"ConfigFileMissing",
     [](Workspace &w) {
         const std::string path = (w.dir.path() / "missing" / "config.yaml").string();
         Invocation invocation = rejected_before_requests(w, {path});
         invocation.global_options = {"--config", path};
         return invocation;
     }},
    {"ConfigFileUnreadable",
     [](Workspace &w) {
         const fs::path path = w.dir.path() / "locked-config.yaml";
         write_file(path, "apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n");
         fs::permissions(path, fs::perms::none);
         Invocation invocation = rejected_before_requests(w, {path.string()});
         invocation.global_options = {"--config", path.string()};
         invocation.unprivileged = true;
         return invocation;
     }},
    {"ConfigFileIsDirectory",
     [](Workspace &w) {
         Invocation invocation = rejected_before_requests(w, {w.layout.dir().string()});
         invocation.global_options = {"--config", w.layout.dir().string()};
         return invocation;
     }},
    {"ConfigFileEndless",
     [](Workspace &w) {
         Invocation invocation = rejected_before_requests(w, {"/dev/zero", "larger than the limit"});
         invocation.global_options = {"--config", "/dev/zero"};
         invocation.max_duration = std::chrono::seconds(30);
         return invocation;
     }},
    {"ConfigWrongType",
     [](Workspace &w) {
         w.config = "concurrentHTTP: many\n";
         return rejected_before_requests(w, {"concurrentHTTP", "many"});
     }},
    {"ConfigTimeoutList",
     [](Workspace &w) {
         w.config = "httpIdleTimeout: [1]\n";
         return rejected_before_requests(w, {"httpIdleTimeout"});
     }},
    {"OutputDirectoryMissing",
     [](Workspace &w) {
         const std::string path = (w.dir.path() / "no-such-dir" / "out.json").string();
         Invocation invocation = rejected_before_requests(w, {path, "does not exist"}, 2);
         invocation.extra_outputs = {"table=" + path};
         return invocation;
     }},
    {"OutputDirectoryNotWritable",
     [](Workspace &w) {
         const fs::path locked = w.output_dir() / "locked";
         fs::create_directories(locked);
         fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                     fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
         const std::string path = (locked / "out.json").string();
         Invocation invocation = rejected_before_requests(w, {path, "not writable"}, 2);
         invocation.extra_outputs = {"table=" + path};
         invocation.unprivileged = true;
         return invocation;
     }},
    {"LayoutBlobMissing",
     [](Workspace &w) {
         const Blob root = w.layout.add_raw_manifest(mirror_json({image_entry(1)}), std::string(kOciIndexType));
         const std::string reference = w.tag_layout(root);
         fs::remove(w.layout.blob_path(root));
         return layout_failure(reference, {root.digest});
     }},
    {"LayoutBlobCorrupted",
     [](Workspace &w) {
         const Blob root = w.layout.add_raw_manifest(mirror_json({image_entry(1)}), std::string(kOciIndexType));
         const std::string reference = w.tag_layout(root);
         std::string other = mirror_json({image_entry(2)});
         other.resize(static_cast<std::size_t>(root.size), ' ');
         write_file(w.layout.blob_path(root), other);
         return layout_failure(reference, {root.digest, "does not match"});
     }},
};

INSTANTIATE_TEST_SUITE_P(LocalInput, BadInputTest, ::testing::ValuesIn(kLocalCases),
                         [](const auto &info) { return info.param.name; });

// ---- Signals ----

// The process ID of the ace-dt child of this test process, or 0.
pid_t find_ace_dt_child() {
    const std::string binary = fs::canonical(ACE_DT_BINARY).string();
    for (const auto &entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;

        std::error_code ec;
        const fs::path exe = fs::read_symlink(entry.path() / "exe", ec);
        if (ec || exe.string() != binary) continue;

        std::istringstream stat(read_file(entry.path() / "stat"));
        std::string pid, command, state;
        pid_t parent = 0;
        stat >> pid >> command >> state >> parent;
        if (parent == ::getpid()) return static_cast<pid_t>(std::stol(name));
    }
    return 0;
}

TEST(BadInputSignalTest, InterruptStopsSlowTraversal) {
    Workspace workspace;
    const std::string reference = workspace.start_registry();
    workspace.registry->set_delay(std::chrono::seconds(2));

    // 200 nested artifacts at 2 s each: minutes of work even with 25
    // parallel requests, so the interrupt always lands mid-traversal.
    std::vector<std::string> children;
    for (int child = 0; child < 200; ++child) {
        const std::string body = mirror_json({image_entry(child)});
        const std::string digest =
            workspace.registry->add_manifest(kRepository, "part-" + std::to_string(child), body, std::string(kOciIndexType));
        children.push_back(descriptor_json(std::string(kOciIndexType), quoted(digest), std::to_string(body.size())));
    }
    workspace.registry->add_manifest(kRepository, "sync", mirror_json(children), std::string(kOciIndexType));

    fs::create_directories(workspace.output_dir());
    const fs::path previous = workspace.output_dir() / "previous.json";
    const fs::path fresh = workspace.output_dir() / "fresh.csv";
    write_file(previous, kPreviousOutput);
    fs::permissions(previous, kPreviousMode);
    AceDtRunner runner(workspace.dir.path() / "home");
    fs::create_directories(runner.home());
    runner.set_config("");

    ProcessResult result;
    std::optional<Clock::time_point> exited;
    std::thread child([&] {
        result = runner.run({"mirror", "diff", reference, "--expand", "-o", "json=" + previous.string(), "-o",
                             "csv=" + fresh.string()});
        exited = Clock::now();
    });

    // Wait for the root and at least one nested request, then interrupt.
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (workspace.registry->request_count() < 3 && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const pid_t pid = find_ace_dt_child();
    ASSERT_NE(pid, 0) << "ace-dt is not running";
    const auto signalled = Clock::now();
    ASSERT_EQ(::kill(pid, SIGINT), 0);
    child.join();

    const auto stop_ms = std::chrono::duration_cast<std::chrono::milliseconds>(*exited - signalled).count();
    std::cerr << "ace-dt exited " << stop_ms << " ms after SIGINT\n";
    EXPECT_LT(stop_ms, 5000) << "generous bound, to stay reliable on a loaded machine";
    EXPECT_EQ(result.exit_code, 130) << "stderr: " << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(read_file(previous), kPreviousOutput);
    EXPECT_EQ(fs::status(previous).permissions(), kPreviousMode);
    EXPECT_FALSE(fs::exists(fresh));
}

}  // namespace
}  // namespace acedt_test
