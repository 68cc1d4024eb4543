// ElfFile: elfutils through the table of dw_api.h (libdw is loaded at the first
// Open, not linked). Each file gets its own Dwfl
// (reported at bias 0, so module addresses are the ELF's own addresses), its own
// callbacks (never the standard ones: dwfl_standard_find_debuginfo would ask
// debuginfod when DEBUGINFOD_URLS is set), and a symbol table sorted once,
// because dwfl_module_addrinfo scans the whole table on every call.
#include "symbolizer_elf.h"

#include <dwarf.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "autoprof/private_library.h"
#include "dw_api.h"

namespace autoprof::symbolizer_internal {
namespace {

using UniqueDwfl = std::unique_ptr<Dwfl, LibraryDeleter<&DwApi::dwfl_end>>;
using UniqueElf = std::unique_ptr<Elf, LibraryDeleter<&DwApi::elf_end>>;

// What FindDebuginfo needs; reached through the module's userdata slot.
struct DebugSearch {
  const DwApi* dw = nullptr;
  std::vector<std::string> dirs;
  std::string build_id_hex;
  std::string build_id_bytes;
};

std::string Hex(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

// Opens `path` if it is an ELF file whose build id matches (or either has none).
int OpenDebugCandidate(const std::string& path, const DebugSearch& search) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  const DwApi& dw = *search.dw;
  UniqueElf elf(dw.elf_begin(fd, ELF_C_READ_MMAP, nullptr), {&dw});
  bool ok = elf != nullptr && dw.elf_kind(elf.get()) == ELF_K_ELF;
  if (ok && !search.build_id_bytes.empty()) {
    const void* id = nullptr;
    ssize_t n = dw.dwelf_elf_gnu_build_id(elf.get(), &id);
    ok = n <= 0 || std::string_view(static_cast<const char*>(id), static_cast<size_t>(n)) ==
                       search.build_id_bytes;
  }
  elf.reset();
  if (!ok) {
    close(fd);
    return -1;
  }
  return fd;
}

int NoFindElf(Dwfl_Module*, void**, const char*, Dwarf_Addr, char**, Elf**) { return -1; }

int FindDebuginfo(Dwfl_Module*, void** userdata, const char*, Dwarf_Addr, const char* file_name,
                  const char* debuglink, GElf_Word, char** debuginfo_file_name) {
  const auto* search = static_cast<const DebugSearch*>(*userdata);
  if (search == nullptr) return -1;
  std::vector<std::string> candidates;
  const std::string& id = search->build_id_hex;
  if (id.size() > 2) {
    for (const auto& dir : search->dirs) {
      candidates.push_back(dir + "/.build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug");
    }
  }
  if (debuglink != nullptr && *debuglink != '\0' && file_name != nullptr) {
    std::string file(file_name);
    std::string dir = file.substr(0, file.rfind('/') == std::string::npos ? 0 : file.rfind('/'));
    std::string link(debuglink);
    if (link != file.substr(file.rfind('/') + 1)) candidates.push_back(dir + "/" + link);
    candidates.push_back(dir + "/.debug/" + link);
    for (const auto& d : search->dirs) candidates.push_back(d + dir + "/" + link);
  }
  for (const auto& path : candidates) {
    int fd = OpenDebugCandidate(path, *search);
    if (fd >= 0) {
      *debuginfo_file_name = strdup(path.c_str());
      return fd;
    }
  }
  return -1;
}

const Dwfl_Callbacks* Callbacks(const DwApi& dw) {
  static const Dwfl_Callbacks callbacks = {
      .find_elf = NoFindElf,
      .find_debuginfo = FindDebuginfo,
      .section_address = dw.dwfl_offline_section_address,
      .debuginfo_path = nullptr,
  };
  return &callbacks;
}

bool HasSection(const DwApi& dw, Elf* elf, GElf_Word type, const char* name) {
  if (elf == nullptr) return false;
  size_t shstrndx = 0;
  if (dw.elf_getshdrstrndx(elf, &shstrndx) != 0) return false;
  for (Elf_Scn* scn = dw.elf_nextscn(elf, nullptr); scn != nullptr;
       scn = dw.elf_nextscn(elf, scn)) {
    GElf_Shdr shdr;
    if (dw.gelf_getshdr(scn, &shdr) == nullptr) continue;
    if (name == nullptr) {
      if (shdr.sh_type == type) return true;
    } else if (const char* n = dw.elf_strptr(elf, shstrndx, shdr.sh_name); n && !strcmp(n, name)) {
      return true;
    }
  }
  return false;
}

// The linkage (mangled) name of a subprogram or inlined instance, if recorded.
const char* LinkageName(const DwApi& dw, Dwarf_Die* die) {
  Dwarf_Attribute attr;
  for (int at : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
    if (const char* n = dw.dwarf_formstring(dw.dwarf_attr_integrate(die, at, &attr))) return n;
  }
  return nullptr;
}

// "ns::Class<T>::name" from the declaration's enclosing scopes, for functions
// that carry no linkage name (C functions, some inlined template members).
std::string QualifiedName(const DwApi& dw, Dwarf_Die* die) {
  Dwarf_Die decl = *die, next;
  Dwarf_Attribute attr;
  for (int hops = 0; hops < 8; ++hops) {
    if (dw.dwarf_attr(&decl, DW_AT_abstract_origin, &attr) == nullptr &&
        dw.dwarf_attr(&decl, DW_AT_specification, &attr) == nullptr) {
      break;
    }
    if (dw.dwarf_formref_die(&attr, &next) == nullptr) break;
    decl = next;
  }
  const char* name = dw.dwarf_diename(&decl);
  if (name == nullptr) return {};
  std::string qualified;
  Dwarf_Die* scopes = nullptr;
  int n = dw.dwarf_getscopes_die(&decl, &scopes);
  for (int i = n - 1; i >= 1; --i) {
    int tag = dw.dwarf_tag(&scopes[i]);
    if (tag != DW_TAG_namespace && tag != DW_TAG_class_type && tag != DW_TAG_structure_type &&
        tag != DW_TAG_union_type && tag != DW_TAG_subprogram) {
      continue;
    }
    const char* scope = dw.dwarf_diename(&scopes[i]);
    qualified += scope != nullptr          ? scope
                 : tag == DW_TAG_namespace ? "(anonymous namespace)"
                                           : "{unnamed type}";
    qualified += "::";
  }
  free(scopes);
  return qualified + name;
}

}  // namespace

struct ElfFile::State {
  struct Symbol {
    uint64_t address;
    uint64_t size;
    const char* name;  // owned by the Elf's string table, alive as long as dwfl
    int rank;          // 0 global, 1 weak, 2 local: the preferred alias sorts first
  };
  struct Segment {
    uint64_t offset, filesz, vaddr;
  };
  const DwApi* api = nullptr;  // loaded before any State exists
  DebugSearch search;
  UniqueDwfl dwfl;
  Dwfl_Module* module = nullptr;
  std::vector<Symbol> symbols;  // by address
  std::vector<Segment> segments;
  bool dynsym_only = false;
  bool has_debug_info = false;

  void LoadSymbols();
  const Symbol* FindSymbol(uint64_t address) const;
  std::vector<ElfFrame> DwarfFrames(uint64_t address);

  // Code ranges of a CU's concrete subprograms, sorted by start.
  struct CodeRange {
    uint64_t low, high;
    Dwarf_Die die;
  };
  std::unordered_map<Dwarf_Off, std::vector<CodeRange>> subprograms_by_cu;
  static void IndexSubprograms(const DwApi& dw, Dwarf_Die* parent, std::vector<CodeRange>* out);

  // Every CU's code ranges, built on first need: libdw finds a CU only through
  // .debug_aranges, which clang does not emit by default.
  struct UnitRange {
    uint64_t low, high;
    Dwarf_Die* cu;  // owned by the Dwfl
  };
  bool cu_index_built = false;
  std::vector<UnitRange> compile_units;
  Dwarf_Die* CompileUnitAt(uint64_t address);
  const Dwarf_Die* SubprogramAt(Dwarf_Die* cudie, uint64_t pc);
};

void ElfFile::State::LoadSymbols() {
  const DwApi& dw = *api;
  int n = dw.dwfl_module_getsymtab(module);
  for (int i = 1; i < n; ++i) {
    GElf_Sym sym;
    GElf_Addr addr = 0;
    GElf_Word shndx = 0;
    Elf* elf = nullptr;
    Dwarf_Addr bias = 0;
    const char* name = dw.dwfl_module_getsym_info(module, i, &sym, &addr, &shndx, &elf, &bias);
    int type = GELF_ST_TYPE(sym.st_info);
    if (name == nullptr || *name == '\0' || shndx == SHN_UNDEF ||
        (type != STT_FUNC && type != STT_GNU_IFUNC)) {
      continue;
    }
    int bind = GELF_ST_BIND(sym.st_info);
    int rank = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
    symbols.push_back({addr, sym.st_size, name, rank});
  }
  std::sort(symbols.begin(), symbols.end(), [](const Symbol& a, const Symbol& b) {
    if (a.address != b.address) return a.address < b.address;
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.size > b.size;
  });
  // One symbol per address: the preferred alias.
  symbols.erase(
      std::unique(symbols.begin(), symbols.end(),
                  [](const Symbol& a, const Symbol& b) { return a.address == b.address; }),
      symbols.end());
}

const ElfFile::State::Symbol* ElfFile::State::FindSymbol(uint64_t address) const {
  auto it = std::upper_bound(symbols.begin(), symbols.end(), address,
                             [](uint64_t a, const Symbol& s) { return a < s.address; });
  // A symbol covers [address, address + size); a sized-0 symbol only its address.
  // Look back a little for an enclosing symbol when a smaller one intervenes.
  for (int back = 0; back < 4 && it != symbols.begin(); ++back) {
    --it;
    if (address == it->address || address - it->address < it->size) return &*it;
  }
  return nullptr;
}

void ElfFile::State::IndexSubprograms(const DwApi& dw, Dwarf_Die* parent,
                                      std::vector<CodeRange>* out) {
  Dwarf_Die child;
  if (dw.dwarf_child(parent, &child) != 0) return;
  do {
    switch (dw.dwarf_tag(&child)) {
      case DW_TAG_subprogram: {
        Dwarf_Addr base = 0, low = 0, high = 0;
        for (ptrdiff_t off = 0; (off = dw.dwarf_ranges(&child, off, &base, &low, &high)) > 0;) {
          if (low < high) out->push_back({low, high, child});
        }
        break;
      }
      case DW_TAG_namespace:
      case DW_TAG_class_type:
      case DW_TAG_structure_type:
      case DW_TAG_union_type:
        IndexSubprograms(dw, &child, out);
        break;
      default:
        break;
    }
  } while (dw.dwarf_siblingof(&child, &child) == 0);
}

Dwarf_Die* ElfFile::State::CompileUnitAt(uint64_t address) {
  const DwApi& dw = *api;
  if (!cu_index_built) {
    cu_index_built = true;
    Dwarf_Addr bias = 0;
    for (Dwarf_Die* cu = dw.dwfl_module_nextcu(module, nullptr, &bias); cu != nullptr;
         cu = dw.dwfl_module_nextcu(module, cu, &bias)) {
      Dwarf_Addr base = 0, low = 0, high = 0;
      for (ptrdiff_t off = 0; (off = dw.dwarf_ranges(cu, off, &base, &low, &high)) > 0;) {
        if (low < high) compile_units.push_back({low + bias, high + bias, cu});
      }
    }
    std::sort(compile_units.begin(), compile_units.end(),
              [](const UnitRange& a, const UnitRange& b) { return a.low < b.low; });
  }
  auto r = std::upper_bound(compile_units.begin(), compile_units.end(), address,
                            [](uint64_t v, const UnitRange& u) { return v < u.low; });
  if (r == compile_units.begin() || address >= (r - 1)->high) return nullptr;
  return (r - 1)->cu;
}

const Dwarf_Die* ElfFile::State::SubprogramAt(Dwarf_Die* cudie, uint64_t pc) {
  const DwApi& dw = *api;
  auto [it, inserted] = subprograms_by_cu.try_emplace(dw.dwarf_dieoffset(cudie));
  std::vector<CodeRange>& ranges = it->second;
  if (inserted) {
    IndexSubprograms(dw, cudie, &ranges);
    std::sort(ranges.begin(), ranges.end(),
              [](const CodeRange& a, const CodeRange& b) { return a.low < b.low; });
  }
  auto r = std::upper_bound(ranges.begin(), ranges.end(), pc,
                            [](uint64_t v, const CodeRange& c) { return v < c.low; });
  if (r == ranges.begin() || pc >= (r - 1)->high) return nullptr;
  return &(r - 1)->die;
}

std::vector<ElfFrame> ElfFile::State::DwarfFrames(uint64_t address) {
  const DwApi& dw = *api;
  std::vector<ElfFrame> frames;
  Dwarf_Addr bias = 0;
  Dwarf_Die* cudie = dw.dwfl_module_addrdie(module, address, &bias);
  if (cudie == nullptr) {
    bias = 0;
    cudie = CompileUnitAt(address);  // no .debug_aranges (clang's default)
  }
  if (cudie == nullptr) return frames;
  const uint64_t pc = address - bias;
  const Dwarf_Die* subprogram = SubprogramAt(cudie, pc);
  if (subprogram == nullptr) return frames;
  // The concrete chain: the subprogram, then each inlined call containing pc.
  // Each CU's subprograms are indexed once, so only one function's subtree is
  // walked per address (dwarf_getscopes_die would walk the CU from its start).
  std::vector<Dwarf_Die> chain = {*subprogram};
  for (Dwarf_Die scope = *subprogram, child;;) {
    bool deeper = false;
    if (dw.dwarf_child(&scope, &child) == 0) {
      do {
        int tag = dw.dwarf_tag(&child);
        if ((tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block) &&
            dw.dwarf_haspc(&child, pc) == 1) {
          if (tag == DW_TAG_inlined_subroutine) chain.push_back(child);
          scope = child;
          deeper = true;
          break;
        }
      } while (dw.dwarf_siblingof(&child, &child) == 0);
    }
    if (!deeper || chain.size() > 256) break;
  }

  std::string file;
  int64_t line = 0;
  if (Dwarf_Line* l = dw.dwarf_getsrc_die(cudie, pc)) {
    int lineno = 0;
    if (const char* f = dw.dwarf_linesrc(l, nullptr, nullptr)) file = f;
    if (dw.dwarf_lineno(l, &lineno) == 0) line = lineno;
  }
  Dwarf_Files* files = nullptr;
  size_t nfiles = 0;
  if (dw.dwarf_getsrcfiles(cudie, &files, &nfiles) != 0) files = nullptr;
  for (auto die = chain.rbegin(); die != chain.rend(); ++die) {
    ElfFrame frame;
    if (const char* name = LinkageName(dw, &*die)) {
      frame.system_name = name;
    } else {
      frame.qualified_name = QualifiedName(dw, &*die);
    }
    frame.filename = file;
    frame.line = line;
    int decl = 0;
    if (dw.dwarf_decl_line(&*die, &decl) == 0) frame.start_line = decl;
    frames.push_back(std::move(frame));
    // The caller's position is where this inlined call was made.
    Dwarf_Attribute attr;
    Dwarf_Word value = 0;
    file.clear();
    line = 0;
    if (files != nullptr &&
        dw.dwarf_formudata(dw.dwarf_attr(&*die, DW_AT_call_file, &attr), &value) == 0) {
      if (const char* f = dw.dwarf_filesrc(files, value, nullptr, nullptr)) file = f;
    }
    if (dw.dwarf_formudata(dw.dwarf_attr(&*die, DW_AT_call_line, &attr), &value) == 0) {
      line = static_cast<int64_t>(value);
    }
  }
  return frames;
}

Status ElfFile::Available() { return LoadLibdw().status(); }

Result<std::unique_ptr<ElfFile>> ElfFile::Open(int fd, const std::string& name,
                                               const std::vector<std::string>& debug_dirs) {
  Result<const DwApi*> loaded = LoadLibdw();
  if (!loaded.ok()) {
    close(fd);
    return loaded.status();
  }
  const DwApi& dw = **loaded;
  auto state = std::make_unique<State>();
  state->api = &dw;
  state->search.dw = &dw;
  state->search.dirs = debug_dirs;
  state->dwfl = UniqueDwfl(dw.dwfl_begin(Callbacks(dw)), {&dw});
  if (state->dwfl == nullptr) {
    close(fd);
    return Internal(name + ": " + dw.dwfl_errmsg(-1));
  }
  dw.dwfl_report_begin(state->dwfl.get());
  // Consumes fd on success.
  state->module = dw.dwfl_report_elf(state->dwfl.get(), name.c_str(), name.c_str(), fd, 0, true);
  if (state->module == nullptr) {
    close(fd);
    return InvalidArgument(name + ": not a readable ELF file (" + dw.dwfl_errmsg(-1) + ")");
  }
  dw.dwfl_report_end(state->dwfl.get(), nullptr, nullptr);

  void** userdata = nullptr;
  dw.dwfl_module_info(state->module, &userdata, nullptr, nullptr, nullptr, nullptr, nullptr,
                      nullptr);
  *userdata = &state->search;
  const unsigned char* id = nullptr;
  GElf_Addr id_vaddr = 0;
  int id_len = dw.dwfl_module_build_id(state->module, &id, &id_vaddr);
  if (id_len > 0) {
    state->search.build_id_hex = Hex(id, static_cast<size_t>(id_len));
    state->search.build_id_bytes.assign(reinterpret_cast<const char*>(id),
                                        static_cast<size_t>(id_len));
  }

  Dwarf_Addr bias = 0;
  Elf* elf = dw.dwfl_module_getelf(state->module, &bias);
  size_t phnum = 0;
  if (elf != nullptr && dw.elf_getphdrnum(elf, &phnum) == 0) {
    for (size_t i = 0; i < phnum; ++i) {
      GElf_Phdr phdr;
      if (dw.gelf_getphdr(elf, static_cast<int>(i), &phdr) != nullptr && phdr.p_type == PT_LOAD) {
        state->segments.push_back({phdr.p_offset, phdr.p_filesz, phdr.p_vaddr});
      }
    }
  }
  // Load DWARF (which may find a separate debug file) before the symbol table,
  // so a stripped file's full .symtab can come from its debug file.
  Dwarf* dwarf = dw.dwfl_module_getdwarf(state->module, &bias);
  state->has_debug_info = dwarf != nullptr;
  bool full_symtab =
      HasSection(dw, elf, SHT_SYMTAB, nullptr) || HasSection(dw, elf, 0, ".gnu_debugdata") ||
      (dwarf != nullptr && HasSection(dw, dw.dwarf_getelf(dwarf), SHT_SYMTAB, nullptr));
  state->LoadSymbols();
  state->dynsym_only = !full_symtab && !state->symbols.empty();
  return std::unique_ptr<ElfFile>(new ElfFile(std::move(state)));
}

ElfFile::ElfFile(std::unique_ptr<State> state) : state_(std::move(state)) {}
ElfFile::~ElfFile() = default;

std::optional<uint64_t> ElfFile::AddressOfOffset(uint64_t file_offset) const {
  for (const auto& s : state_->segments) {
    if (file_offset >= s.offset && file_offset - s.offset < s.filesz) {
      return file_offset - s.offset + s.vaddr;
    }
  }
  return std::nullopt;
}

std::vector<ElfFrame> ElfFile::Lookup(uint64_t address) {
  std::vector<ElfFrame> frames;
  if (state_->has_debug_info) frames = state_->DwarfFrames(address);
  const State::Symbol* symbol = state_->FindSymbol(address);
  if (frames.empty()) {
    if (symbol == nullptr) return frames;
    frames.push_back({symbol->name, "", 0, 0});
  } else if (frames.back().system_name.empty() && symbol != nullptr) {
    frames.back().system_name = symbol->name;  // mangled, so it demangles in full
  }
  for (ElfFrame& f : frames) {
    if (f.system_name.empty()) f.system_name = std::move(f.qualified_name);
  }
  return frames;
}

const std::string& ElfFile::build_id() const { return state_->search.build_id_hex; }
bool ElfFile::has_symbols() const { return !state_->symbols.empty(); }
bool ElfFile::dynsym_only() const { return state_->dynsym_only; }
bool ElfFile::has_debug_info() const { return state_->has_debug_info; }

}  // namespace autoprof::symbolizer_internal
