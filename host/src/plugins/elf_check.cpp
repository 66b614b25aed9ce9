#include "plugins/elf_check.hpp"

#include <elf.h>
#include <link.h>

#include <cstring>
#include <fstream>
#include <system_error>

namespace acedt::host::plugins {

namespace {

// The ELF types of this machine's class, such as Elf64_Ehdr on x86-64.
using FileHeader = ElfW(Ehdr);
using ProgramHeader = ElfW(Phdr);

std::string truncated(const std::string& part, std::uintmax_t end, std::uintmax_t size) {
    return "the file is truncated: " + part + " ends at byte " + std::to_string(end) + ", but the file has " +
           std::to_string(size) + " bytes; copy or build it again";
}

}  // namespace

std::optional<std::string> find_truncation(const std::filesystem::path& file) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(file, error);
    if (error) return std::nullopt;

    std::ifstream stream(file, std::ios::binary);
    FileHeader header{};
    if (!stream.read(reinterpret_cast<char*>(&header), sizeof header)) return std::nullopt;
    const bool own_class = std::memcmp(header.e_ident, ELFMAG, SELFMAG) == 0 &&
                           header.e_ident[EI_CLASS] == (sizeof(void*) == 8 ? ELFCLASS64 : ELFCLASS32) &&
                           header.e_phentsize == sizeof(ProgramHeader);
    if (!own_class) return std::nullopt;

    const std::uintmax_t headers_end =
        static_cast<std::uintmax_t>(header.e_phoff) + std::uintmax_t{header.e_phnum} * sizeof(ProgramHeader);
    if (headers_end > size) return truncated("its program header table", headers_end, size);

    stream.seekg(static_cast<std::streamoff>(header.e_phoff));
    for (unsigned index = 0; index < header.e_phnum; ++index) {
        ProgramHeader segment{};
        if (!stream.read(reinterpret_cast<char*>(&segment), sizeof segment)) return std::nullopt;
        const std::uintmax_t segment_end = static_cast<std::uintmax_t>(segment.p_offset) + segment.p_filesz;
        if (segment.p_type == PT_LOAD && segment_end > size) {
            return truncated("segment " + std::to_string(index), segment_end, size);
        }
    }
    return std::nullopt;
}

}  // namespace acedt::host::plugins
