// Fuzzes the WWW-Authenticate parser (plugins/oci www_authenticate.cpp).
// The header comes from any registry the user points ace-dt at. The parser
// documents no exception: text outside the grammar is skipped, so every
// exception here is a finding.
#include "../common/fuzz_target.hpp"

#include <acedt/oci/auth.hpp>

#include <cstdlib>
#include <iostream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::vector<acedt::oci::AuthChallenge> challenges =
        acedt::oci::parse_www_authenticate(acedt::fuzz::as_text(data, size));

    // Each challenge consumes at least one input character, so there can
    // never be more challenges than bytes.
    if (challenges.size() > size) {
        std::cerr << "parsed " << challenges.size() << " challenges from " << size << " bytes\n";
        std::abort();
    }
    return 0;
}
