#include "json_fields.hpp"

#include <acedt/oci/error.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

#include <limits>
#include <utility>

namespace acedt::oci::json_fields {

namespace {

// Values longer than this are cut in messages, so that a wrong-typed
// member holding a large object does not flood the terminal.
constexpr std::size_t kMaxQuotedValue = 60;

std::string describe(const boost::json::value &value) {
    std::string text = boost::json::serialize(value);
    if (text.size() > kMaxQuotedValue) {
        text.resize(kMaxQuotedValue);
        text += "...";
    }
    return text;
}

[[noreturn]] void fail_type(const boost::json::value &value, std::string_view path, std::string_view expected) {
    fail(path, "expected " + std::string(expected) + ", found " + describe(value));
}

bool is_identifier(std::string_view key) {
    if (key.empty()) {
        return false;
    }
    for (char c : key) {
        const bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alphanumeric && c != '_') {
            return false;
        }
    }
    return true;
}

}  // namespace

boost::json::value parse(std::string_view text, boost::json::storage_ptr storage) {
    boost::json::stream_parser parser;
    parser.reset(std::move(storage));
    boost::system::error_code error;
    const std::size_t consumed = parser.write(text.data(), text.size(), error);
    if (error) {
        throw Error("not valid JSON at byte " + std::to_string(consumed) + ": " + error.message());
    }

    parser.finish(error);
    if (error) {
        throw Error("not valid JSON: " + error.message() + " at the end of the text");
    }
    return parser.release();
}

std::string member_path(std::string_view parent, std::string_view key) {
    if (!is_identifier(key)) {
        return std::string(parent) + "[" + boost::json::serialize(boost::json::string_view(key.data(), key.size())) + "]";
    }
    if (parent.empty()) {
        return std::string(key);
    }
    return std::string(parent) + "." + std::string(key);
}

std::string element_path(std::string_view parent, std::size_t index) {
    return std::string(parent) + "[" + std::to_string(index) + "]";
}

void fail(std::string_view path, std::string_view message) {
    if (path.empty()) {
        throw Error(std::string(message));
    }
    throw Error(std::string(path) + ": " + std::string(message));
}

const boost::json::value *find(const boost::json::object &object, std::string_view key) {
    const boost::json::value *member = object.if_contains(boost::json::string_view(key.data(), key.size()));
    if (member == nullptr || member->is_null()) {
        return nullptr;
    }
    return member;
}

const boost::json::object &to_object(const boost::json::value &value, std::string_view path) {
    if (!value.is_object()) {
        fail_type(value, path, "a JSON object");
    }
    return value.get_object();
}

const boost::json::array &to_array(const boost::json::value &value, std::string_view path) {
    if (!value.is_array()) {
        fail_type(value, path, "a JSON array");
    }
    return value.get_array();
}

std::string to_string(const boost::json::value &value, std::string_view path) {
    if (!value.is_string()) {
        fail_type(value, path, "a string");
    }
    const boost::json::string &text = value.get_string();
    return std::string(text.data(), text.size());
}

bool to_bool(const boost::json::value &value, std::string_view path) {
    if (!value.is_bool()) {
        fail_type(value, path, "true or false");
    }
    return value.get_bool();
}

std::int64_t to_int64(const boost::json::value &value, std::string_view path) {
    if (value.is_int64()) {
        return value.get_int64();
    }
    if (value.is_uint64()) {
        fail(path, describe(value) + " does not fit in a signed 64-bit integer (maximum " +
                       std::to_string(std::numeric_limits<std::int64_t>::max()) + ")");
    }
    fail_type(value, path, "an integer");
}

std::map<std::string, std::string> to_string_map(const boost::json::value &value, std::string_view path) {
    std::map<std::string, std::string> result;
    for (const auto &member : to_object(value, path)) {
        const std::string key(member.key().data(), member.key().size());
        result[key] = to_string(member.value(), member_path(path, key));
    }
    return result;
}

}  // namespace acedt::oci::json_fields
