// A main() for fuzz targets without libFuzzer: runs the target once on each
// file given, or on each file in each directory given, so the seed corpus and
// the saved regression inputs are checked by ctest in a g++ build.
//
// Exit status: 0 when every input passed, 1 when an input made the target
// throw (the file name is printed to stderr first), 2 for a usage error or
// an unreadable corpus. A crash or sanitizer report ends the process with
// its own status, after the "running" line that names the input.
#include "fuzz_target.hpp"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> collect_inputs(int argc, char **argv) {
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const fs::path argument(argv[i]);
        if (!fs::is_directory(argument)) {
            inputs.push_back(argument);
            continue;
        }
        for (const fs::directory_entry &entry : fs::directory_iterator(argument)) {
            if (entry.is_regular_file()) {
                inputs.push_back(entry.path());
            }
        }
    }
    std::sort(inputs.begin(), inputs.end());
    return inputs;
}

bool read_file(const fs::path &path, std::string &contents) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return false;
    }
    contents.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    return !file.bad();
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " FILE_OR_DIRECTORY...\n";
        return 2;
    }

    const std::vector<fs::path> inputs = collect_inputs(argc, argv);
    if (inputs.empty()) {
        std::cerr << "no input files found in the given paths; a corpus directory must not be empty\n";
        return 2;
    }

    for (const fs::path &input : inputs) {
        std::string contents;
        if (!read_file(input, contents)) {
            std::cerr << "cannot read " << input << "\n";
            return 2;
        }

        std::cerr << "running " << input << "\n";
        try {
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t *>(contents.data()), contents.size());
        } catch (const std::exception &error) {
            std::cerr << input << ": the target threw an undocumented exception: " << error.what() << "\n";
            return 1;
        } catch (...) {
            std::cerr << input << ": the target threw an exception not derived from std::exception\n";
            return 1;
        }
    }
    std::cerr << "passed " << inputs.size() << " inputs\n";
    return 0;
}
