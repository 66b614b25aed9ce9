// Fuzzes image reference and digest parsing (plugins/oci reference.cpp and
// digest.cpp). Both document oci::Error as their only exception.
//
// Beyond "no crash", it checks that the canonical text of a parsed
// reference parses again to the same reference, because registry URLs and
// output rows are built from str() and manifest_selector().
#include "../common/fuzz_target.hpp"

#include <acedt/oci/digest.hpp>
#include <acedt/oci/error.hpp>
#include <acedt/oci/reference.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

using acedt::oci::Digest;
using acedt::oci::Reference;

void check_round_trip(const Reference &reference) {
    const std::string canonical = reference.str();
    const Reference again = Reference::parse(canonical);
    if (again.str() != canonical || again.manifest_selector() != reference.manifest_selector()) {
        std::cerr << "reference " << canonical << " parses back as " << again.str() << "\n";
        std::abort();
    }
}

void fuzz_reference(std::string_view text) {
    try {
        const Reference reference = Reference::parse(text);
        check_round_trip(reference);
        (void)reference.api_host();
        (void)reference.is_loopback();
        (void)acedt::oci::is_valid_repository_path(reference.repository());
    } catch (const acedt::oci::Error &) {
        // Documented: the message names the reference and the reason.
    }
}

void fuzz_digest(std::string_view text) {
    try {
        const Digest digest = Digest::parse(text);
        if (Digest::parse(digest.str()) != digest) {
            std::cerr << "digest " << digest.str() << " does not parse back to itself\n";
            std::abort();
        }
        (void)digest.matches(text);
    } catch (const acedt::oci::Error &) {
        // Documented for invalid digests.
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string_view text = acedt::fuzz::as_text(data, size);
    fuzz_reference(text);
    fuzz_digest(text);
    (void)acedt::oci::is_loopback_host(text);
    return 0;
}
