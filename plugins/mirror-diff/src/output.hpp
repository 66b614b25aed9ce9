// The -o/--output option of `mirror diff`: parsing, checks made before any
// network access, rendering, and writing.
#pragma once

#include "traversal.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acedt::mirror_diff {

enum class Format { Table, Json, Csv };

// One output: a format and, unless it goes to standard output, a file.
struct OutputSpec {
    Format format = Format::Table;
    std::optional<std::filesystem::path> path;
};

// Thrown for an -o value that cannot be used; the message names the value.
class OutputSpecError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses the values of -o (each already split at commas by the host):
// FORMAT writes to standard output, FORMAT=PATH to PATH, split at the first
// '=' only. Rejects an unknown format, an empty path, a file named twice
// (also through another name or a link), and more than one output to
// standard output. An empty list means one table on standard output.
std::vector<OutputSpec> parse_output_specs(const std::vector<std::string> &values);

// Checks, before any network access, that every output file can be
// written: the path is not a directory, and either it is a writable special
// file (a device or FIFO) or its directory exists and is writable. Throws
// OutputSpecError naming the path.
void check_output_paths(const std::vector<OutputSpec> &specs);

// Renders rows in a format, in the order given. Every format ends with a
// newline.
//   table: aligned REFERENCE and DIGEST columns with a header; an empty
//          reference is shown as <none>; control characters are escaped.
//   json:  [{"digest": "...", "reference": "..."}, ...]; bytes that are
//          not valid UTF-8 become U+FFFD.
//   csv:   RFC 4180, header reference,digest, CRLF line ends; control
//          characters and invalid UTF-8 are escaped as in the table.
// With `referrers` (-r/--recursive), each format gains the artifact type
// and the subject of referrer rows:
//   table: ARTIFACT TYPE and SUBJECT columns, empty for entry rows and
//          <none> for a referrer without an artifact type; lines carry no
//          trailing spaces.
//   json:  referrer rows add "subject" and "artifactType" keys; entry rows
//          keep exactly "digest" and "reference".
//   csv:   header reference,digest,artifactType,subject; both fields are
//          empty for entry rows.
std::string render(Format format, const std::vector<Row> &rows, bool referrers = false);

// Writes an output file. A regular file, new or the target of a symbolic
// link, is replaced whole. The content goes to a temporary file in the same
// directory, which gets the old file's mode and owner, is flushed to disk
// and is renamed over the target. Readers never see a partial file,
// and a failure leaves the old file as it was. A special file such as
// /dev/null, /dev/stdout or a FIFO is written into directly. Throws
// std::runtime_error naming the path.
void write_output_file(const std::filesystem::path &path, std::string_view content);

}  // namespace acedt::mirror_diff
