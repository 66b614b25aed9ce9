// Conversions of the effective configuration for plugins and for display.
#pragma once

#include "config/configuration.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace acedt::host::config {

/// Converts the configuration to the JSON object that plugins read: keys
/// as in the YAML file, every known key present, unknown keys after the
/// known ones at their level.
boost::json::object to_json(const Configuration& configuration);

/// Writes a JSON value as a YAML document. Strings that YAML would read as
/// another type (such as "25" or "true") are quoted, so the output loads
/// back to the same values.
std::string to_yaml(const boost::json::value& value);

}  // namespace acedt::host::config
