// Typed access to members of parsed JSON documents, with error messages
// that name the path of the offending member ("manifests[3].digest").
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace acedt::oci::json_fields {

// Parses `text` as one JSON document, allocating from `storage` (the
// default heap when empty). Throws Error "not valid JSON at byte N: REASON".
boost::json::value parse(std::string_view text, boost::json::storage_ptr storage = {});

// Paths for messages: member_path("manifests[3]", "digest") is
// "manifests[3].digest". Keys that are not plain identifiers are quoted in
// brackets, as in annotations["org.opencontainers.image.ref.name"].
std::string member_path(std::string_view parent, std::string_view key);
std::string element_path(std::string_view parent, std::size_t index);

// Throws Error "PATH: MESSAGE", or only MESSAGE when the path is empty.
[[noreturn]] void fail(std::string_view path, std::string_view message);

// The member, or nullptr when it is absent or null. Go programs write
// `null` for empty maps and lists, so optional members treat null as absent.
const boost::json::value *find(const boost::json::object &object, std::string_view key);

// Converters that throw Error "PATH: expected KIND, found VALUE" when the
// value has another type.
const boost::json::object &to_object(const boost::json::value &value, std::string_view path);
const boost::json::array &to_array(const boost::json::value &value, std::string_view path);
std::string to_string(const boost::json::value &value, std::string_view path);
bool to_bool(const boost::json::value &value, std::string_view path);
// Accepts integers only (no fractions or exponents) that fit in int64.
std::int64_t to_int64(const boost::json::value &value, std::string_view path);
// An object whose members are all strings.
std::map<std::string, std::string> to_string_map(const boost::json::value &value, std::string_view path);

}  // namespace acedt::oci::json_fields
