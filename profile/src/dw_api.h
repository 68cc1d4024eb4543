// DwApi: the elfutils functions the symbolizer calls (libdw's dwfl_/dwarf_/dwelf_,
// and libelf's elf_/gelf_ reached through libdw's own dependency), resolved at
// run time from libdw.so.1 with dlopen, so that linking the profile module (and
// the agent's shared library) never makes a service link libdw and libelf.
// The elfutils headers supply the types and constants only.
//
// The library is loaded RTLD_LOCAL (its dependencies stay out of the global
// symbol namespace) at the first symbolization, and never unloaded.
//
// Thread-safety: LoadLibdw may be called from any thread; the first call loads,
// the others wait for it and share its result. The table is immutable.
//
// Example:
//   Result<const DwApi*> dw = LoadLibdw();
//   if (!dw.ok()) return dw.status();  // "symbolization unavailable: libdw.so.1 not found ..."
//   Dwfl* dwfl = (*dw)->dwfl_begin(&callbacks);
#ifndef AUTOPROF_PROFILE_SRC_DW_API_H_
#define AUTOPROF_PROFILE_SRC_DW_API_H_

#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>

#include "autoprof/status.h"

namespace autoprof::symbolizer_internal {

// Every elfutils function autoprof calls, by its own name.
// clang-format off
#define AUTOPROF_DW_FUNCTIONS(X)                                                          \
  X(dwfl_begin) X(dwfl_end) X(dwfl_errmsg) X(dwfl_report_begin) X(dwfl_report_elf)        \
  X(dwfl_report_end) X(dwfl_module_info) X(dwfl_module_build_id) X(dwfl_module_getelf)    \
  X(dwfl_module_getdwarf) X(dwfl_module_getsymtab) X(dwfl_module_getsym_info)             \
  X(dwfl_module_addrdie) X(dwfl_module_nextcu) X(dwfl_offline_section_address)            \
  X(dwarf_attr) X(dwarf_attr_integrate) X(dwarf_child) X(dwarf_decl_line) X(dwarf_diename) \
  X(dwarf_dieoffset) X(dwarf_filesrc) X(dwarf_formref_die) X(dwarf_formstring)            \
  X(dwarf_formudata) X(dwarf_getelf) X(dwarf_getscopes_die) X(dwarf_getsrc_die)           \
  X(dwarf_getsrcfiles) X(dwarf_haspc) X(dwarf_lineno) X(dwarf_linesrc) X(dwarf_ranges)    \
  X(dwarf_siblingof) X(dwarf_tag) X(dwelf_elf_gnu_build_id) X(elf_begin) X(elf_end)       \
  X(elf_getphdrnum) X(elf_getshdrstrndx) X(elf_kind) X(elf_nextscn) X(elf_strptr)         \
  X(gelf_getphdr) X(gelf_getshdr)
// clang-format on

struct DwApi {
#define AUTOPROF_DW_MEMBER(name) decltype(&::name) name = nullptr;
  AUTOPROF_DW_FUNCTIONS(AUTOPROF_DW_MEMBER)
#undef AUTOPROF_DW_MEMBER
};

// libdw.so.1, loaded on the first call. The error is one line saying
// symbolization is unavailable and why (which package provides it).
Result<const DwApi*> LoadLibdw();

// Loads `soname` and resolves every function, without caching: LoadLibdw's
// work, open so that tests can name a library that does not exist.
Result<DwApi> OpenLibdw(const char* soname);

}  // namespace autoprof::symbolizer_internal

#endif  // AUTOPROF_PROFILE_SRC_DW_API_H_
