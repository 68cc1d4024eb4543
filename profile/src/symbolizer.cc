// Symbolizer: finds the ELF file behind each mapping (once per file), resolves
// each (file, address) once, and turns the frames into the profile's Functions
// and Lines. Demangling happens once per distinct function.
#include "autoprof/symbolizer.h"

#include <cxxabi.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <tuple>

#include "symbolizer_elf.h"

namespace autoprof {

using symbolizer_internal::ElfFile;
using symbolizer_internal::ElfFrame;

namespace {

std::string Demangle(const std::string& system_name) {
  if (!system_name.starts_with("_Z")) return system_name;
  int status = 0;
  char* out = abi::__cxa_demangle(system_name.c_str(), nullptr, nullptr, &status);
  std::string name = status == 0 && out != nullptr ? out : system_name;
  free(out);
  return name;
}

struct PairHash {
  size_t operator()(const std::pair<const ElfFile*, uint64_t>& p) const {
    return std::hash<const void*>()(p.first) ^
           (std::hash<uint64_t>()(p.second) * 0x9e3779b97f4a7c15ull);
  }
};

constexpr std::string_view kDeletedSuffix = " (deleted)";
constexpr size_t kMaxCachedAddresses = size_t{1} << 20;

}  // namespace

class Symbolizer::Impl {
 public:
  explicit Impl(SymbolizerOptions options) : options_(std::move(options)) {}

  void Symbolize(Profile* profile, const MappingInodes& inodes);
  SymbolizerStats stats;

 private:
  struct FunctionInfo {
    std::string name, system_name, filename;
    int64_t start_line;
  };
  struct Frame {
    size_t function;  // index into functions_
    int64_t line;
  };
  struct FileEntry {
    std::unique_ptr<ElfFile> elf;  // null: could not be used
    std::string error;
  };

  // The ELF file behind a mapping, or null with `*why` set.
  ElfFile* FileFor(const Mapping& mapping, uint64_t inode, std::string* why);
  ElfFile* OpenCached(int fd, const std::string& name, uint64_t expected_inode, std::string* why);
  ElfFile* OpenVdso(const Mapping& mapping, std::string* why);
  const std::vector<Frame>& Resolve(ElfFile* elf, uint64_t address);
  size_t InternFunction(const ElfFrame& frame);

  SymbolizerOptions options_;
  std::map<std::string, FileEntry> files_;  // by identity: "dev:ino:size:mtime", "[vdso]"
  std::unordered_map<std::pair<const ElfFile*, uint64_t>, std::vector<Frame>, PairHash> cache_;
  std::vector<FunctionInfo> functions_;
  std::map<std::tuple<std::string, std::string, int64_t>, size_t> function_index_;
};

ElfFile* Symbolizer::Impl::OpenCached(int fd, const std::string& name, uint64_t expected_inode,
                                      std::string* why) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    *why = std::string("cannot stat: ") + strerror(errno);
    close(fd);
    return nullptr;
  }
  if (expected_inode != 0 && st.st_ino != expected_inode) {
    *why = "replaced since the profile was taken (inode " + std::to_string(expected_inode) +
           ", now " + std::to_string(st.st_ino) + ")";
    close(fd);
    return nullptr;
  }
  std::string key = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
                    std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
                    std::to_string(st.st_mtim.tv_nsec);
  auto it = files_.find(key);
  if (it != files_.end()) {
    close(fd);
  } else {
    FileEntry entry;
    Result<std::unique_ptr<ElfFile>> elf = ElfFile::Open(fd, name, options_.debug_dirs);
    if (elf.ok()) {
      entry.elf = std::move(*elf);
      ++stats.files_opened;
    } else {
      entry.error = elf.status().message();
    }
    it = files_.emplace(key, std::move(entry)).first;
  }
  *why = it->second.error;
  return it->second.elf.get();
}

ElfFile* Symbolizer::Impl::OpenVdso(const Mapping& mapping, std::string* why) {
  auto it = files_.find("[vdso]");
  if (it == files_.end()) {
    FileEntry entry;
    unsigned long base = getauxval(AT_SYSINFO_EHDR);
    size_t size = mapping.memory_limit - mapping.memory_start;
    int fd = base == mapping.memory_start ? memfd_create("autoprof-vdso", MFD_CLOEXEC) : -1;
    if (fd < 0 ||
        write(fd, reinterpret_cast<const void*>(base), size) != static_cast<ssize_t>(size)) {
      if (fd >= 0) close(fd);
      entry.error = "the vdso of this process is not at this mapping";
    } else {
      Result<std::unique_ptr<ElfFile>> elf = ElfFile::Open(fd, "[vdso]", {});
      if (elf.ok()) {
        entry.elf = std::move(*elf);
        ++stats.files_opened;
      } else {
        entry.error = elf.status().message();
      }
    }
    it = files_.emplace("[vdso]", std::move(entry)).first;
  }
  *why = it->second.error;
  return it->second.elf.get();
}

ElfFile* Symbolizer::Impl::FileFor(const Mapping& mapping, uint64_t inode, std::string* why) {
  const bool live = options_.source == SymbolizerOptions::Source::kLiveProcess;
  std::string path = mapping.filename;
  if (path.ends_with(kDeletedSuffix)) path.resize(path.size() - kDeletedSuffix.size());
  if (path.empty() || path[0] != '/') {
    if (path == "[vdso]" && live) return OpenVdso(mapping, why);
    *why = "no file to read";
    return nullptr;
  }
  if (live) {
    // The exact file this process mapped, even if deleted or replaced on disk.
    char link[64];
    snprintf(link, sizeof link, "/proc/self/map_files/%llx-%llx",
             static_cast<unsigned long long>(mapping.memory_start),
             static_cast<unsigned long long>(mapping.memory_limit));
    int fd = open(link, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) return OpenCached(fd, path, inode, why);
  }
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *why = std::string("cannot open: ") + strerror(errno);
    return nullptr;
  }
  return OpenCached(fd, path, inode, why);
}

size_t Symbolizer::Impl::InternFunction(const ElfFrame& frame) {
  auto [it, inserted] = function_index_.try_emplace(
      std::make_tuple(frame.system_name, frame.filename, frame.start_line), functions_.size());
  if (inserted) {
    functions_.push_back(
        {Demangle(frame.system_name), frame.system_name, frame.filename, frame.start_line});
  }
  return it->second;
}

const std::vector<Symbolizer::Impl::Frame>& Symbolizer::Impl::Resolve(ElfFile* elf,
                                                                      uint64_t address) {
  if (cache_.size() >= kMaxCachedAddresses) cache_.clear();  // bounds a long-lived agent
  auto [it, inserted] = cache_.try_emplace({elf, address});
  if (!inserted) {
    ++stats.cache_hits;
    return it->second;
  }
  ++stats.addresses_resolved;
  for (const ElfFrame& f : elf->Lookup(address)) {
    if (f.system_name.empty()) continue;  // a frame without a name says nothing
    it->second.push_back({InternFunction(f), f.line});
  }
  return it->second;
}

void Symbolizer::Impl::Symbolize(Profile* profile, const MappingInodes& inodes) {
  if (Status dw = ElfFile::Available(); !dw.ok()) {
    profile->comments.push_back("not symbolized: " + dw.message());
    return;
  }
  std::unordered_map<uint64_t, std::pair<ElfFile*, const Mapping*>> elf_of_mapping;
  for (Mapping& m : profile->mappings) {
    auto inode = inodes.find(m.id);
    std::string why;
    ElfFile* elf = FileFor(m, inode == inodes.end() ? 0 : inode->second, &why);
    elf_of_mapping[m.id] = {elf, &m};
    if (elf == nullptr) {
      if (!m.filename.empty() && m.filename[0] != '[') {
        profile->comments.push_back(m.filename + ": not symbolized: " + why);
      }
      continue;
    }
    m.build_id = elf->build_id();
    m.has_functions = elf->has_symbols();
    m.has_filenames = m.has_line_numbers = m.has_inline_frames = elf->has_debug_info();
    if (elf->dynsym_only()) {
      profile->comments.push_back(m.filename +
                                  ": stripped: names from .dynsym only, no files or lines");
    }
  }

  std::vector<uint64_t> function_ids(functions_.size(), 0);
  uint64_t next_function_id = 1;
  for (const Function& f : profile->functions)
    next_function_id = std::max(next_function_id, f.id + 1);
  for (Location& loc : profile->locations) {
    if (loc.mapping_id == 0 || !loc.lines.empty()) continue;
    auto m = elf_of_mapping.find(loc.mapping_id);
    if (m == elf_of_mapping.end() || m->second.first == nullptr) continue;
    auto [elf, mapping] = m->second;
    std::optional<uint64_t> address =
        elf->AddressOfOffset(loc.address - mapping->memory_start + mapping->file_offset);
    if (!address) continue;
    for (const Frame& frame : Resolve(elf, *address)) {
      if (frame.function >= function_ids.size()) function_ids.resize(functions_.size(), 0);
      uint64_t& id = function_ids[frame.function];
      if (id == 0) {
        const FunctionInfo& info = functions_[frame.function];
        id = next_function_id++;
        profile->functions.push_back(
            {id, info.name, info.system_name, info.filename, info.start_line});
      }
      loc.lines.push_back({id, frame.line, 0});
    }
  }
}

Symbolizer::Symbolizer(SymbolizerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
Symbolizer::~Symbolizer() = default;

void Symbolizer::Symbolize(Profile* profile) { impl_->Symbolize(profile, {}); }
void Symbolizer::Symbolize(Profile* profile, const MappingInodes& inodes) {
  impl_->Symbolize(profile, inodes);
}
SymbolizerStats Symbolizer::stats() const { return impl_->stats; }

}  // namespace autoprof
