#include "runtime/symtab.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <dwarf.h>
#include <elf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <link.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace go::runtime::internal {
namespace {

// ---- Names ----

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

bool ConsumeSuffix(std::string_view* s, std::string_view suffix) {
  if (s->size() < suffix.size() ||
      s->substr(s->size() - suffix.size()) != suffix) {
    return false;
  }
  s->remove_suffix(suffix.size());
  return true;
}

// ---- Paths ----

// Joins a DWARF file name with its compilation directory when it is relative,
// and drops "./" components. Bazel compiles with PWD=/proc/self/cwd, so its
// DWARF paths start with "/proc/self/cwd/" (valid only in a process whose
// working directory is the workspace); they become absolute under
// $BUILD_WORKSPACE_DIRECTORY when that is set (bazel run; the gotest driver
// sets it), and workspace-relative ("runtime/proc.cc") otherwise.
std::string SourcePath(const char* name, const char* comp_dir) {
  if (name == nullptr || *name == '\0') return "";
  std::string path;
  if (name[0] != '/' && comp_dir != nullptr && *comp_dir != '\0') {
    path = comp_dir;
    if (path.back() != '/') path += '/';
  }
  std::string_view rest(name);
  while (rest.substr(0, 2) == "./") rest.remove_prefix(2);
  path.append(rest);
  for (size_t at; (at = path.find("/./")) != std::string::npos;) {
    path.erase(at, 2);
  }
  static constexpr std::string_view kBazelCwd = "/proc/self/cwd/";
  if (std::string_view(path).substr(0, kBazelCwd.size()) == kBazelCwd) {
    std::string root;
    if (const char* ws = getenv("BUILD_WORKSPACE_DIRECTORY");
        ws != nullptr && ws[0] == '/') {
      root = ws;
      if (root.back() != '/') root += '/';
    }
    path.replace(0, kBazelCwd.size(), root);
  }
  return path;
}

const char* CompDir(Dwarf_Die* cu) {
  Dwarf_Attribute attr;
  return dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
}

// The name of a subprogram or inlined-subroutine DIE, following
// DW_AT_abstract_origin and DW_AT_specification to the declaration that holds
// the linkage name (GCC puts it there, not on the DIE owning the PC range).
// Follows DW_AT_abstract_origin and DW_AT_specification from a DIE owning a
// PC range to the DIE that carries the function's DW_AT_name.
bool NamingDie(Dwarf_Die* die, Dwarf_Die* named) {
  Dwarf_Die cur = *die;
  for (int hops = 0; hops < 8; hops++) {
    if (dwarf_hasattr(&cur, DW_AT_name)) {
      *named = cur;
      return true;
    }
    Dwarf_Attribute attr;
    Dwarf_Attribute* ref = dwarf_attr(&cur, DW_AT_abstract_origin, &attr);
    if (ref == nullptr) ref = dwarf_attr(&cur, DW_AT_specification, &attr);
    Dwarf_Die next;
    if (ref == nullptr || dwarf_formref_die(ref, &next) == nullptr) break;
    cur = next;
  }
  return false;
}

// "ns::Class::name" from a DIE's enclosing namespaces and types. GCC gives no
// DW_AT_linkage_name to functions with internal linkage (static functions,
// anonymous namespaces), so their qualified name must be rebuilt this way.
void DieNames(Dwarf_Die* die, Frame* frame);

std::string QualifiedName(Dwarf_Die* named) {
  const char* base = dwarf_diename(named);
  std::string name = base != nullptr ? base : "";
  Dwarf_Die* scopes = nullptr;
  const int n = dwarf_getscopes_die(named, &scopes);
  for (int i = 1; i < n; i++) {
    const int tag = dwarf_tag(&scopes[i]);
    if (tag == DW_TAG_subprogram) {
      // A local class (a lambda's closure type): qualify with the function,
      // as the demangler does ("main::{lambda()#1}").
      Frame outer;
      DieNames(&scopes[i], &outer);
      if (!outer.short_function.empty()) {
        name = outer.short_function + "::" + name;
      }
      break;
    }
    if (tag != DW_TAG_namespace && tag != DW_TAG_class_type &&
        tag != DW_TAG_structure_type && tag != DW_TAG_union_type) {
      break;  // the compilation unit
    }
    const char* scope = dwarf_diename(&scopes[i]);
    if (scope == nullptr) {
      // GCC gives lambda closure types no name.
      scope =
          tag == DW_TAG_namespace ? "(anonymous namespace)" : "{unnamed type}";
    }
    name = std::string(scope) + "::" + name;
  }
  free(scopes);
  return name;
}

// Names a subprogram or inlined-subroutine DIE. The linkage name is preferred
// (it is exact and demangles with parameter types); GCC puts it on the
// declaration that DW_AT_abstract_origin/DW_AT_specification lead to, not on
// the DIE owning the PC range. Without one, the name is qualified from the
// DIE tree and has no parameter list.
void DieNames(Dwarf_Die* die, Frame* frame) {
  Dwarf_Attribute attr;
  const char* linkage =
      dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &attr));
  if (linkage == nullptr) {
    linkage = dwarf_formstring(
        dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr));
  }
  Dwarf_Die named;
  if (linkage != nullptr) {
    frame->system_name = linkage;
    frame->function = Demangle(linkage);
    frame->short_function = ShortFunctionName(frame->function);
  } else if (NamingDie(die, &named)) {
    // Already without parameters; ShortFunctionName would take the "()" of
    // "operator()" for a parameter list.
    frame->function = QualifiedName(&named);
    frame->system_name = frame->function;
    frame->short_function = frame->function;
  }
  int decl_line = 0;
  if (dwarf_decl_line(die, &decl_line) == 0) frame->start_line = decl_line;
}

void SetSymbolName(const char* name, Frame* frame) {
  frame->system_name = name;
  frame->function = Demangle(name);
  frame->short_function = ShortFunctionName(frame->function);
}

// ---- Build IDs ----

std::string HexBytes(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * n);
  for (size_t i = 0; i < n; i++) {
    hex += kDigits[bytes[i] >> 4];
    hex += kDigits[bytes[i] & 15];
  }
  return hex;
}

// Reads NT_GNU_BUILD_ID from a loaded object's PT_NOTE segments in memory.
std::string BuildId(const dl_phdr_info* info) {
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = p + ph.p_memsz;
    const size_t align = ph.p_align > 4 ? ph.p_align : 4;
    auto round = [align](size_t n) { return (n + align - 1) & ~(align - 1); };
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) note;
      std::memcpy(&note, p, sizeof(note));
      const char* name = p + sizeof(note);
      const char* desc = name + round(note.n_namesz);
      const char* next = desc + round(note.n_descsz);
      if (next > end || next <= p) break;
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0) {
        return HexBytes(reinterpret_cast<const unsigned char*>(desc),
                        note.n_descsz);
      }
      p = next;
    }
  }
  return "";
}

std::string ExecutablePath() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  return std::string(buf, n);
}

struct ModuleList {
  std::vector<Module> modules;
  bool first = true;  // dl_iterate_phdr reports the main program first
};

int CollectModules(dl_phdr_info* info, size_t, void* data) {
  auto* list = static_cast<ModuleList*>(data);
  std::vector<Module>* modules = &list->modules;
  const bool main_program = list->first;
  list->first = false;
  std::string path = info->dlpi_name != nullptr ? info->dlpi_name : "";
  if (path.empty() && main_program) {
    path = ExecutablePath();
  } else if (path[0] == '/') {
    // The loader's name may go through symlinks ("/lib" on a merged-/usr
    // system); /proc/self/maps, libdw and hence Frame::module use the real
    // path, and profiles must agree with them.
    if (char* real = realpath(path.c_str(), nullptr); real != nullptr) {
      path = real;
      free(real);
    }
  }
  if (path.empty()) return 0;
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  std::string build_id;
  bool have_build_id = false;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
    if (!have_build_id) {
      build_id = BuildId(info);
      have_build_id = true;
    }
    Module m;
    m.path = path;
    const uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    m.start = start & ~(page - 1);
    m.limit = (start + ph.p_memsz + page - 1) & ~(page - 1);
    m.offset = ph.p_offset & ~(page - 1);
    m.build_id = build_id;
    modules->push_back(std::move(m));
  }
  return 0;
}

// dlopen/dlclose counters: they change whenever the set of loaded objects
// does, so a PC that no module covers triggers a re-read of /proc/self/maps
// only when something was actually loaded since the last read.
int ReadLoaderGeneration(dl_phdr_info* info, size_t size, void* data) {
  if (size >= offsetof(dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs)) {
    *static_cast<unsigned long long*>(data) =
        info->dlpi_adds * 1000003ull + info->dlpi_subs;
  }
  return 1;  // the counters are global; the first object is enough
}

unsigned long long LoaderGeneration() {
  unsigned long long generation = 0;
  dl_iterate_phdr(ReadLoaderGeneration, &generation);
  return generation;
}

Frame DladdrFrame(uintptr_t pc) {
  Frame f;
  f.pc = pc;
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(pc), &info) != 0 &&
      info.dli_sname != nullptr) {
    SetSymbolName(info.dli_sname, &f);
    f.entry = reinterpret_cast<uintptr_t>(info.dli_saddr);
  }
  if (dladdr(reinterpret_cast<void*>(pc), &info) != 0 &&
      info.dli_fname != nullptr) {
    f.module = info.dli_fname;
  }
  return f;
}

// ---- libdw session ----

// Separate debug files are looked up only on local disk, by build ID under
// /usr/lib/debug (Debian's -dbgsym layout). dwfl_standard_find_debuginfo is
// avoided on purpose: it loads libdebuginfod (and libcurl) into the process,
// which then shows up in profiles' Mapping tables, and with DEBUGINFOD_URLS set
// it would go to the network in the middle of a crash report.
int FindLocalDebuginfo(Dwfl_Module* mod, void**, const char*, Dwarf_Addr,
                       const char*, const char*, GElf_Word,
                       char** debuginfo_file_name) {
  const unsigned char* bits = nullptr;
  GElf_Addr vaddr = 0;
  const int n = dwfl_module_build_id(mod, &bits, &vaddr);
  if (n < 2) return -1;
  const std::string hex = HexBytes(bits, n);
  const std::string path = "/usr/lib/debug/.build-id/" + hex.substr(0, 2) +
                           "/" + hex.substr(2) + ".debug";
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) *debuginfo_file_name = strdup(path.c_str());
  return fd;
}

const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = FindLocalDebuginfo,
    .section_address = nullptr,
    .debuginfo_path = nullptr,
};

// Thread-local marker of "this thread is inside the symbolizer", so that a
// crash report produced by a crash inside a lookup does not deadlock on mu_.
thread_local bool in_symbolizer = false;

class Symbolizer {
 public:
  // Never destroyed: crash reports may symbolize while static destructors run.
  static Symbolizer& Get() {
    static Symbolizer* const symbolizer = new Symbolizer;
    return *symbolizer;
  }

  const std::vector<Frame>* Lookup(uintptr_t pc) {
    if (in_symbolizer) return nullptr;
    struct Inside {
      Inside() { in_symbolizer = true; }
      ~Inside() { in_symbolizer = false; }
    } inside;
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = cache_.try_emplace(pc);
    if (inserted) {
      it->second = std::make_unique<const std::vector<Frame>>(Compute(pc));
    }
    return it->second.get();
  }

 private:
  // Requires mu_.
  void Report() {
    generation_ = LoaderGeneration();
    if (dwfl_ == nullptr) dwfl_ = dwfl_begin(&kCallbacks);
    if (dwfl_ == nullptr) return;
    dwfl_report_begin(dwfl_);
    dwfl_linux_proc_report(dwfl_, getpid());
    dwfl_report_end(dwfl_, nullptr, nullptr);
  }

  // Requires mu_.
  Dwfl_Module* ModuleAt(uintptr_t pc) {
    if (dwfl_ == nullptr) Report();
    if (dwfl_ == nullptr) return nullptr;
    Dwfl_Module* mod = dwfl_addrmodule(dwfl_, pc);
    if (mod == nullptr && LoaderGeneration() != generation_) {
      Report();
      mod = dwfl_addrmodule(dwfl_, pc);
    }
    return mod;
  }

  // Requires mu_.
  std::vector<Frame> Compute(uintptr_t pc) {
    std::vector<Frame> frames;
    if (Dwfl_Module* mod = ModuleAt(pc); mod != nullptr) {
      GElf_Off offset = 0;
      GElf_Sym sym;
      const char* symbol = dwfl_module_addrinfo(mod, pc, &offset, &sym, nullptr,
                                                nullptr, nullptr);
      const uintptr_t entry = symbol != nullptr ? pc - offset : 0;
      uintptr_t dwarf_entry = 0;
      Dwarf_Addr bias = 0;
      if (Dwarf_Die* cu = dwfl_module_addrdie(mod, pc, &bias); cu != nullptr) {
        DwarfFrames(mod, cu, bias, pc, &frames, &dwarf_entry);
      }
      if (frames.empty() && symbol != nullptr) {
        frames.emplace_back();
        SetSymbolName(symbol, &frames.back());
      }
      // For the physical frame, an ELF symbol with a mangled name beats a
      // DWARF name without one: with -g1, GCC gives an internal-linkage
      // function neither a linkage name nor its enclosing namespace DIEs,
      // while .symtab keeps its full mangled name.
      if (!frames.empty() && symbol != nullptr &&
          std::strncmp(symbol, "_Z", 2) == 0 &&
          frames.back().system_name.rfind("_Z", 0) != 0) {
        const int start_line = frames.back().start_line;
        SetSymbolName(symbol, &frames.back());
        frames.back().start_line = start_line;
      }
      const char* module = dwfl_module_info(mod, nullptr, nullptr, nullptr,
                                            nullptr, nullptr, nullptr, nullptr);
      for (Frame& f : frames) {
        f.pc = pc;
        if (module != nullptr) f.module = module;
        if (f.function.empty() && symbol != nullptr) SetSymbolName(symbol, &f);
        // The ELF symbol's start is the entry; it is exact for GCC's ".cold"
        // parts too, where the DWARF function's entry lies elsewhere.
        f.entry = entry != 0 ? entry : dwarf_entry;
      }
    }
    if (frames.empty()) frames.push_back(DladdrFrame(pc));
    return frames;
  }

  // Fills frames from the DIE scopes around pc, innermost first, and the
  // physical function's DWARF entry. Requires mu_.
  static void DwarfFrames(Dwfl_Module* mod, Dwarf_Die* cu, Dwarf_Addr bias,
                          uintptr_t pc, std::vector<Frame>* frames,
                          uintptr_t* physical_entry) {
    // dwarf_getscopes finds the innermost scope owning pc, but above an
    // inlined instance it continues into the abstract definition;
    // dwarf_getscopes_die from that scope gives the concrete nesting:
    // inlined instances out to the physical subprogram.
    std::vector<Dwarf_Die> functions;
    Dwarf_Die* scopes = nullptr;
    if (dwarf_getscopes(cu, pc - bias, &scopes) > 0) {
      Dwarf_Die innermost = scopes[0];
      free(scopes);
      scopes = nullptr;
      const int nscopes = dwarf_getscopes_die(&innermost, &scopes);
      for (int i = 0; i < nscopes; i++) {
        const int tag = dwarf_tag(&scopes[i]);
        if (tag == DW_TAG_inlined_subroutine) functions.push_back(scopes[i]);
        if (tag == DW_TAG_subprogram) {
          functions.push_back(scopes[i]);
          break;
        }
      }
    }
    free(scopes);

    const char* comp_dir = CompDir(cu);
    std::string file;
    int line = 0;
    if (Dwfl_Line* l = dwfl_module_getsrc(mod, pc); l != nullptr) {
      Dwarf_Addr addr;
      const char* name =
          dwfl_lineinfo(l, &addr, &line, nullptr, nullptr, nullptr);
      file = SourcePath(name, comp_dir);
    }
    if (functions.empty()) {
      // Line information without a function DIE (e.g. assembly with .loc).
      Frame f;
      f.file = file;
      f.line = line;
      frames->push_back(std::move(f));
      return;
    }

    Dwarf_Files* files = nullptr;
    size_t nfiles = 0;
    if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0) files = nullptr;
    for (size_t i = 0; i < functions.size(); i++) {
      Dwarf_Die* die = &functions[i];
      Frame f;
      DieNames(die, &f);
      f.file = file;
      f.line = line;
      f.inlined = i + 1 < functions.size();
      frames->push_back(std::move(f));
      if (dwarf_tag(die) == DW_TAG_inlined_subroutine) {
        // The caller's position is where this function was inlined.
        Dwarf_Attribute attr;
        Dwarf_Word call_file = 0, call_line = 0;
        file.clear();
        line = 0;
        if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &attr),
                            &call_file) == 0 &&
            files != nullptr && call_file < nfiles) {
          file = SourcePath(dwarf_filesrc(files, call_file, nullptr, nullptr),
                            comp_dir);
        }
        if (dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &attr),
                            &call_line) == 0) {
          line = static_cast<int>(call_line);
        }
      } else {
        Dwarf_Addr entry = 0;
        if (dwarf_entrypc(die, &entry) == 0) *physical_entry = entry + bias;
      }
    }
  }

  std::mutex mu_;
  Dwfl* dwfl_ = nullptr;
  unsigned long long generation_ = 0;
  std::unordered_map<uintptr_t, std::unique_ptr<const std::vector<Frame>>>
      cache_;
};

}  // namespace

std::string Demangle(const char* name) {
  if (name == nullptr) return "";
  if (name[0] == '_' && name[1] == 'Z') {
    int status = 0;
    char* demangled = abi::__cxa_demangle(name, nullptr, nullptr, &status);
    if (status == 0 && demangled != nullptr) {
      std::string result(demangled);
      free(demangled);
      return result;
    }
    free(demangled);
  }
  return name;
}

std::string ShortFunctionName(std::string_view s) {
  // GCC's partial functions: "f(int) [clone .cold]", "[clone .isra.0]".
  while (!s.empty() && s.back() == ']') {
    const size_t at = s.rfind(" [clone ");
    if (at == std::string_view::npos) break;
    s = s.substr(0, at);
  }
  // Qualifiers after the parameter list.
  for (bool again = true; again;) {
    again = ConsumeSuffix(&s, " const") || ConsumeSuffix(&s, " volatile") ||
            ConsumeSuffix(&s, " &&") || ConsumeSuffix(&s, " &") ||
            ConsumeSuffix(&s, " noexcept");
  }
  // The parameter list: the parenthesis matching the final ')'. Parentheses in
  // template arguments and "(anonymous namespace)" are balanced, so counting
  // parentheses alone finds it.
  if (!s.empty() && s.back() == ')') {
    int depth = 0;
    for (size_t i = s.size(); i-- > 0;) {
      if (s[i] == ')') depth++;
      if (s[i] == '(' && --depth == 0) {
        s = s.substr(0, i);
        break;
      }
    }
  }
  // A template function's return type: text before the last space outside
  // <> and (), not looking into an operator's name ("operator new",
  // "operator<").
  size_t limit = s.size();
  for (size_t at = s.find("operator"); at != std::string_view::npos;
       at = s.find("operator", at + 1)) {
    if ((at == 0 || !IsIdentChar(s[at - 1])) &&
        (at + 8 == s.size() || !IsIdentChar(s[at + 8]))) {
      limit = at;
      break;
    }
  }
  int depth = 0;
  size_t cut = std::string_view::npos;
  for (size_t i = 0; i < limit; i++) {
    const char c = s[i];
    if (c == '<' || c == '(') depth++;
    if ((c == '>' || c == ')') && depth > 0) depth--;
    if (c == ' ' && depth == 0) cut = i;
  }
  if (cut != std::string_view::npos) s = s.substr(cut + 1);
  return std::string(s);
}

const std::vector<Frame>* SymbolizeCached(uintptr_t pc) {
  return Symbolizer::Get().Lookup(pc);
}

std::vector<Frame> Symbolize(uintptr_t pc) {
  if (const std::vector<Frame>* frames = SymbolizeCached(pc)) return *frames;
  return {DladdrFrame(pc)};
}

std::vector<Module> Modules() {
  ModuleList list;
  dl_iterate_phdr(CollectModules, &list);
  return std::move(list.modules);
}

bool FindModule(uintptr_t pc, Module* module) {
  for (Module& m : Modules()) {
    if (pc >= m.start && pc < m.limit) {
      *module = std::move(m);
      return true;
    }
  }
  return false;
}

}  // namespace go::runtime::internal
