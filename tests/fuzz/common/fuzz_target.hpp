// The entry point every fuzz target defines. libFuzzer calls it in the
// fuzz build (ACE_DT_FUZZ=ON), and corpus_driver.cpp calls it once per
// corpus file in the normal build, so both run the same code.
//
// Contract of a target: it returns normally for every input, including
// after catching the exception types that the API under test documents.
// Any other exception escapes, which makes libFuzzer report a crash and the
// corpus driver fail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

namespace acedt::fuzz {

inline std::string_view as_text(const std::uint8_t *data, std::size_t size) {
    return {reinterpret_cast<const char *>(data), size};
}

}  // namespace acedt::fuzz
