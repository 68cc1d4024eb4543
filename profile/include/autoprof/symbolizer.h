// In-process symbolization of a Profile's locations with elfutils libdw.
//
// For every Location that has a mapping and no lines yet, the symbolizer finds the
// ELF file behind the mapping, turns the address into a file address, and adds:
// the function (demangled `name`, mangled `system_name`, source file, start line),
// the line, and the chain of inlined frames as extra Lines, innermost first. It
// fills each used mapping's build id (lower-case hex) and sets has_functions /
// has_filenames / has_line_numbers / has_inline_frames to what the file really
// provided, so readers do not try to symbolize again.
//
// What it handles: PIE executables and shared libraries (any load bias), the vdso
// (read from this process's memory, live mode only), stripped files (names from
// .dynsym only, a name is given only within a symbol's size, never a neighbour's;
// such a mapping gets has_filenames/has_line_numbers false and a profile comment
// says "symbols from .dynsym only"), deleted or replaced files (live mode reads
// them through /proc/self/map_files; on disk a file whose inode differs from the
// maps text is not used), and separate debug files found by build id under
// `debug_dirs` (<dir>/.build-id/ab/cdef....debug) or by .gnu_debuglink.
// It never reaches the network: libdw's debuginfod client is never called,
// whatever DEBUGINFOD_URLS says.
//
// Cost: each ELF file is opened once and its symbol table sorted once; each
// (file, address) is resolved once, inline chain included, and then served from a
// cache. A Symbolizer kept across captures (the agent's case) keeps both caches.
//
// Thread-safety: not thread-safe; use one Symbolizer per thread or lock around it.
//
// Example (the agent, after a capture in the same process):
//   autoprof::Symbolizer symbolizer(autoprof::SymbolizerOptions::LiveProcess());
//   autoprof::Result<autoprof::Profile> p = autoprof::ParseCpuProfile(raw, info);
//   if (p.ok()) symbolizer.Symbolize(&*p);
#ifndef AUTOPROF_SYMBOLIZER_H_
#define AUTOPROF_SYMBOLIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "autoprof/profile.h"

namespace autoprof {

struct SymbolizerOptions {
  enum class Source {
    kLiveProcess,  // the mappings are this process's: use /proc/self/map_files, the vdso
    kFilesOnDisk,  // the mappings come from a saved maps text: open the files by name
  };
  Source source = Source::kFilesOnDisk;
  // Roots searched for separate debug files, by build id and by debuglink.
  std::vector<std::string> debug_dirs = {"/usr/lib/debug"};

  static SymbolizerOptions LiveProcess() { return {Source::kLiveProcess}; }
  static SymbolizerOptions FilesOnDisk() { return {Source::kFilesOnDisk}; }
};

// Mapping id -> the inode named by that mapping's maps line.
using MappingInodes = std::unordered_map<uint64_t, uint64_t>;

// Counters, for tests and benchmarks.
struct SymbolizerStats {
  uint64_t files_opened = 0;        // ELF files loaded (each once)
  uint64_t addresses_resolved = 0;  // (file, address) pairs looked up in the file
  uint64_t cache_hits = 0;          // addresses served from the cache
};

class Symbolizer {
 public:
  explicit Symbolizer(SymbolizerOptions options = {});
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // Symbolizes every location of `profile` that has a mapping and no lines. Does
  // not fail as a whole: a mapping whose file cannot be read keeps bare addresses
  // (has_functions false) and the profile gets a comment naming the file and why.
  void Symbolize(Profile* profile);

  // As above, knowing the inode each mapping's maps line named (mapping id ->
  // inode; absent or 0: unknown). Reading files on disk, a file whose inode
  // differs was replaced after the profile was taken and is not used.
  void Symbolize(Profile* profile, const MappingInodes& inodes);

  SymbolizerStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace autoprof

#endif  // AUTOPROF_SYMBOLIZER_H_
