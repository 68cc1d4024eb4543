// Private to the symbolizer: one ELF file opened with libdw, its symbols sorted
// once, and the lookup of an address into its frames (inline chain included).
// Only symbolizer_elf.cc and dw_api.{h,cc} include elfutils headers; libdw itself
// is loaded at run time (dw_api.h).
#ifndef AUTOPROF_PROFILE_SRC_SYMBOLIZER_ELF_H_
#define AUTOPROF_PROFILE_SRC_SYMBOLIZER_ELF_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "autoprof/status.h"

namespace autoprof::symbolizer_internal {

// One frame of an address, as the file describes it.
struct ElfFrame {
  std::string system_name;  // linkage (mangled) name, or the plain name; empty: unknown
  std::string filename;     // source file of `line`; empty: no debug info
  int64_t line = 0;
  int64_t start_line = 0;      // the function's declaration line
  std::string qualified_name;  // scope-qualified DWARF name, when there is no linkage name
};

class ElfFile {
 public:
  // OK when libdw could be loaded (it is, on the first call); otherwise the one
  // line that says why no file can be opened.
  static Status Available();

  // Takes ownership of `fd`. `name` is used in messages and to find debuglink
  // files beside it. Searches `debug_dirs` for separate debug files.
  static Result<std::unique_ptr<ElfFile>> Open(int fd, const std::string& name,
                                               const std::vector<std::string>& debug_dirs);
  ~ElfFile();
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;

  // The ELF address of a file offset, through the PT_LOAD headers; nullopt when
  // no loadable segment covers it.
  std::optional<uint64_t> AddressOfOffset(uint64_t file_offset) const;

  // Frames at an ELF address, innermost (inlined) first, the containing function
  // last. Empty when no symbol covers the address.
  std::vector<ElfFrame> Lookup(uint64_t address);

  const std::string& build_id() const;  // lower-case hex; empty if none
  bool has_symbols() const;             // any function symbol at all
  bool dynsym_only() const;             // stripped: names from .dynsym only
  bool has_debug_info() const;          // DWARF with line tables

 private:
  struct State;
  explicit ElfFile(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace autoprof::symbolizer_internal

#endif  // AUTOPROF_PROFILE_SRC_SYMBOLIZER_ELF_H_
