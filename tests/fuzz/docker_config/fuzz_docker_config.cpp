// Fuzzes the reader of docker config.json and containers auth.json files
// (plugins/oci credentials.cpp): the auths, credHelpers and credsStore
// sections, base64 "auth" values and registry host normalisation. Both
// parse functions document oci::Error as their only exception.
#include "../common/fuzz_target.hpp"

#include <acedt/oci/auth.hpp>
#include <acedt/oci/error.hpp>

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    namespace oci = acedt::oci;
    const std::string_view text = acedt::fuzz::as_text(data, size);

    try {
        const oci::DockerConfigFile file = oci::parse_docker_config(text, "fuzz/config.json");
        for (const auto &[host, helper] : file.credential_helpers) {
            (void)oci::normalize_registry_host(host);
        }
    } catch (const oci::Error &) {
        // Documented for malformed JSON and invalid entries.
    }

    try {
        (void)oci::parse_docker_auths(text, "fuzz/config.json");
    } catch (const oci::Error &) {
        // Documented, as above.
    }

    // Host normalisation and base64 decoding also see raw user text (the
    // registry part of a reference, the "auth" value).
    (void)oci::normalize_registry_host(text);
    try {
        (void)oci::decode_base64(text);
    } catch (const oci::Error &) {
        // Documented for invalid base64.
    }
    return 0;
}
