// SHA-256 content digests in the OCI form "sha256:<64 lower-case hex>".
#pragma once

#include <string>
#include <string_view>

namespace acedt_test {

/// Computes the OCI digest of `bytes`, for example
/// "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// for empty input.
std::string sha256_digest(std::string_view bytes);

}  // namespace acedt_test
