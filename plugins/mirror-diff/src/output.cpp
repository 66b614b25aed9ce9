#include "output.hpp"

#include <boost/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <set>
#include <stdexcept>
#include <unistd.h>

namespace acedt::mirror_diff {
namespace {

std::optional<Format> parse_format(std::string_view name) {
    if (name == "table") return Format::Table;
    if (name == "json") return Format::Json;
    if (name == "csv") return Format::Csv;
    return std::nullopt;
}

// Length in bytes of the UTF-8 sequence starting at text[i], or 0 when the
// bytes there are not valid UTF-8.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0 && lead >= 0xC2) length = 2;
    else if ((lead & 0xF0) == 0xE0) length = 3;
    else if ((lead & 0xF8) == 0xF0 && lead <= 0xF4) length = 4;
    else return 0;

    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
    }
    return length;
}

// Replaces control characters and invalid UTF-8 bytes by \xNN so that a
// hostile annotation cannot drive the terminal or split a CSV record. A
// backslash becomes \\, so the escaped text can be read back unambiguously.
std::string escape_for_terminal(std::string_view text) {
    std::string escaped;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const std::size_t length = utf8_sequence_length(text, i);
        if (byte == '\\') {
            escaped += "\\\\";
        } else if (length == 0 || byte < 0x20 || byte == 0x7F) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02X", byte);
            escaped += hex;
        } else {
            escaped.append(text.substr(i, length));
            i += length;
            continue;
        }
        ++i;
    }
    return escaped;
}

// Number of code points, used as the display width of escaped text.
std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
    }
    return width;
}

// Pads each cell but the last of a line to its column's width plus three
// spaces, and ends the line without trailing spaces.
std::string render_columns(const std::vector<std::vector<std::string>> &lines) {
    std::vector<std::size_t> widths;
    for (const auto &cells : lines) {
        widths.resize(std::max(widths.size(), cells.size()));
        for (std::size_t column = 0; column < cells.size(); ++column) {
            widths[column] = std::max(widths[column], display_width(cells[column]));
        }
    }

    std::string out;
    for (const auto &cells : lines) {
        std::string line;
        for (std::size_t column = 0; column < cells.size(); ++column) {
            line += cells[column];
            if (column + 1 < cells.size()) {
                line += std::string(widths[column] - display_width(cells[column]) + 3, ' ');
            }
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        out += line + "\n";
    }
    return out;
}

std::string render_table(const std::vector<Row> &rows, bool referrers) {
    std::vector<std::vector<std::string>> lines;
    lines.push_back({"REFERENCE", "DIGEST"});
    if (referrers) {
        lines.back().insert(lines.back().end(), {"ARTIFACT TYPE", "SUBJECT"});
    }

    for (const Row &row : rows) {
        std::vector<std::string> cells = {row.reference.empty() ? "<none>" : escape_for_terminal(row.reference),
                                          escape_for_terminal(row.digest)};
        if (referrers && row.is_referrer()) {
            cells.push_back(row.artifact_type.empty() ? "<none>" : escape_for_terminal(row.artifact_type));
            cells.push_back(escape_for_terminal(row.subject));
        }
        lines.push_back(std::move(cells));
    }
    return render_columns(lines);
}

// Replaces each byte that is not part of valid UTF-8 by U+FFFD, because
// JSON text must be UTF-8 (RFC 8259) and Boost.JSON copies such bytes as
// they are. Control characters stay, since the serializer escapes them.
std::string valid_utf8(std::string_view text) {
    std::string valid;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t length = utf8_sequence_length(text, i);
        if (length == 0) {
            valid += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        valid.append(text.substr(i, length));
        i += length;
    }
    return valid;
}

std::string json_string(const std::string &text) {
    return boost::json::serialize(boost::json::string(valid_utf8(text)));
}

std::string render_json(const std::vector<Row> &rows) {
    if (rows.empty()) {
        return "[]\n";
    }
    // Reserved for the usual row, so that a large output is not copied each
    // time the string grows.
    std::string out = "[\n";
    out.reserve(rows.size() * (rows.front().digest.size() + rows.front().reference.size() + 40));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out += "  {\"digest\": " + json_string(rows[i].digest) + ", \"reference\": " + json_string(rows[i].reference);
        if (rows[i].is_referrer()) {
            out += ", \"subject\": " + json_string(rows[i].subject) +
                   ", \"artifactType\": " + json_string(rows[i].artifact_type);
        }
        out += "}";
        out += i + 1 < rows.size() ? ",\n" : "\n";
    }
    out += "]\n";
    return out;
}

// Escapes control characters and invalid UTF-8 as the table does, then
// quotes the field when RFC 4180 requires it: it contains a comma or a
// double quote. Quotes inside are doubled.
std::string csv_field(const std::string &text) {
    const std::string value = escape_for_terminal(text);
    if (value.find_first_of(",\"") == std::string::npos) {
        return value;
    }
    std::string quoted = "\"";
    for (const char c : value) {
        quoted += c;
        if (c == '"') quoted += '"';
    }
    return quoted + "\"";
}

std::string render_csv(const std::vector<Row> &rows, bool referrers) {
    std::string out = referrers ? "reference,digest,artifactType,subject\r\n" : "reference,digest\r\n";
    for (const Row &row : rows) {
        out += csv_field(row.reference) + "," + csv_field(row.digest);
        if (referrers) {
            out += "," + csv_field(row.artifact_type) + "," + csv_field(row.subject);
        }
        out += "\r\n";
    }
    return out;
}

std::filesystem::path parent_or_current(const std::filesystem::path &path) {
    const std::filesystem::path parent = path.parent_path();
    return parent.empty() ? std::filesystem::path(".") : parent;
}

void write_all(int fd, std::string_view content, const std::filesystem::path &path) {
    while (!content.empty()) {
        const ssize_t written = ::write(fd, content.data(), content.size());
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) {
            throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
        }
        content.remove_prefix(static_cast<std::size_t>(written));
    }
}

// Follows a symbolic link at `path`, also a dangling one, so that an output
// replaces the file the link points to and the link stays a link.
std::filesystem::path resolve_link(const std::filesystem::path &path) {
    std::error_code ec;
    if (!std::filesystem::is_symlink(path, ec)) {
        return path;
    }
    const std::filesystem::path canonical = std::filesystem::canonical(path, ec);
    if (!ec) {
        return canonical;
    }
    const std::filesystem::path target = std::filesystem::read_symlink(path, ec);
    if (ec) {
        return path;
    }
    return target.is_absolute() ? target : parent_or_current(path) / target;
}

// True for an existing file that is not a regular file or a directory: a
// device such as /dev/null, a FIFO, a socket or a terminal. Outputs are
// written into such files directly instead of replacing them.
bool is_special_file(const std::filesystem::path &path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode);
}

// Identifies the file an output goes to: device and inode when it exists,
// else the absolute normalized path. Two -o values with one identity would
// write the same file.
std::string output_identity(const std::filesystem::path &path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
        return "inode " + std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino);
    }
    std::error_code ec;
    std::filesystem::path normalized = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
    if (ec) {
        normalized = std::filesystem::absolute(path).lexically_normal();
    }
    return "path " + normalized.string();
}

// Returns the identity of standard output when it is a regular file or a
// pipe, because a second writer would corrupt those. Returns "" for a
// terminal or another character device.
std::string standard_output_identity() {
    struct stat info {};
    if (::fstat(STDOUT_FILENO, &info) != 0 || S_ISCHR(info.st_mode)) {
        return "";
    }
    return "inode " + std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino);
}

void write_into_special_file(const std::filesystem::path &path, std::string_view content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        throw std::runtime_error("cannot open " + path.string() + " for writing: " + std::strerror(errno));
    }
    try {
        write_all(fd, content, path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
}

// Gives the temporary file the mode and owner of the file it replaces, or
// the mode a new file gets under the umask.
void copy_mode_and_owner(int fd, const std::filesystem::path &target) {
    struct stat info {};
    if (::stat(target.c_str(), &info) == 0) {
        ::fchmod(fd, info.st_mode & 07777);
        // Only root can give a file away; elsewhere the owner stays the caller.
        if (::fchown(fd, info.st_uid, info.st_gid) != 0) {
            ::fchmod(fd, info.st_mode & 0777);
        }
        return;
    }
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
}

}  // namespace

std::vector<OutputSpec> parse_output_specs(const std::vector<std::string> &values) {
    if (values.empty()) {
        return {OutputSpec{}};
    }

    std::vector<OutputSpec> specs;
    std::set<std::string> seen_files;
    const std::string stdout_identity = standard_output_identity();
    bool stdout_taken = false;
    for (const std::string &value : values) {
        const std::size_t equals = value.find('=');
        const std::string name = value.substr(0, equals);
        const std::optional<Format> format = parse_format(name);
        if (!format) {
            throw OutputSpecError("invalid output format \"" + name + "\" in -o " + value +
                                  ": use table, json or csv, optionally followed by =FILE");
        }

        OutputSpec spec{*format, std::nullopt};
        if (equals == std::string::npos) {
            if (stdout_taken) {
                throw OutputSpecError("more than one -o value writes to standard output (" + value +
                                      "): write the others to files with FORMAT=FILE");
            }
            stdout_taken = true;
            specs.push_back(spec);
            continue;
        }

        const std::string path = value.substr(equals + 1);
        if (path.empty()) {
            throw OutputSpecError("missing file name in -o " + value + ": write " + name + "=FILE, or " + name +
                                  " alone for standard output");
        }
        const std::string identity = output_identity(path);
        if (!seen_files.insert(identity).second) {
            throw OutputSpecError("the file " + path +
                                  " is named by more than one -o value: give each output its own file");
        }
        spec.path = path;
        specs.push_back(spec);
    }

    // Standard output and a file that is standard output, in either order.
    for (const OutputSpec &spec : specs) {
        if (stdout_taken && spec.path && !stdout_identity.empty() && output_identity(*spec.path) == stdout_identity) {
            throw OutputSpecError("the file " + spec.path->string() +
                                  " is standard output, which another -o value writes too: give each output its own file");
        }
    }
    return specs;
}

void check_output_paths(const std::vector<OutputSpec> &specs) {
    for (const OutputSpec &spec : specs) {
        if (!spec.path) continue;
        const std::filesystem::path &path = *spec.path;

        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            throw OutputSpecError("cannot write output to " + path.string() + ": it is a directory");
        }
        if (is_special_file(path)) {
            if (::access(path.c_str(), W_OK) != 0) {
                throw OutputSpecError("cannot write output to " + path.string() + ": " + std::strerror(errno));
            }
            continue;
        }

        const std::filesystem::path directory = parent_or_current(resolve_link(path));
        if (!std::filesystem::is_directory(directory, ec)) {
            throw OutputSpecError("cannot write output to " + path.string() + ": directory " +
                                  directory.string() + " does not exist");
        }
        if (::access(directory.c_str(), W_OK) != 0) {
            throw OutputSpecError("cannot write output to " + path.string() + ": directory " +
                                  directory.string() + " is not writable (" + std::strerror(errno) + ")");
        }
    }
}

std::string render(Format format, const std::vector<Row> &rows, bool referrers) {
    switch (format) {
        case Format::Table: return render_table(rows, referrers);
        case Format::Json: return render_json(rows);
        case Format::Csv: return render_csv(rows, referrers);
    }
    throw std::logic_error("unknown output format");
}

void write_output_file(const std::filesystem::path &path, std::string_view content) {
    if (is_special_file(path)) {
        write_into_special_file(path, content);
        return;
    }

    const std::filesystem::path target = resolve_link(path);
    std::string temp_name = (parent_or_current(target) / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(temp_name.data());
    if (fd < 0) {
        throw std::runtime_error("cannot create a temporary file next to " + target.string() + ": " +
                                 std::strerror(errno));
    }

    try {
        copy_mode_and_owner(fd, target);
        write_all(fd, content, target);
        if (::fsync(fd) != 0) {
            throw std::runtime_error("cannot flush " + target.string() + ": " + std::strerror(errno));
        }
    } catch (...) {
        ::close(fd);
        ::unlink(temp_name.c_str());
        throw;
    }

    ::close(fd);
    if (::rename(temp_name.c_str(), target.c_str()) != 0) {
        const int rename_errno = errno;
        ::unlink(temp_name.c_str());
        throw std::runtime_error("cannot replace " + target.string() + ": " + std::strerror(rename_errno));
    }
}

}  // namespace acedt::mirror_diff
