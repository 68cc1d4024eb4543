// autoprof convert INPUT -o OUT.pb.gz: a gperftools CPU profile or a tcmalloc heap
// sample -> symbolized pprof, reading the ELF files named in the input's mappings.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "args.h"
#include "autoprof/gperftools.h"
#include "autoprof/pprof.h"
#include "autoprof/symbolizer.h"

namespace autoprof::cli {
namespace {

constexpr off_t kMaxInputBytes = off_t{1} << 30;

Result<std::string> ReadInput(const std::string& path, int64_t* mtime_nanos) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return NotFound(path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return InvalidArgument(path + ": not a regular file");
  if (st.st_size > kMaxInputBytes) return InvalidArgument(path + ": larger than 1 GiB");
  std::ifstream in(path, std::ios::binary);
  std::stringstream data;
  data << in.rdbuf();
  if (!in.good() && !in.eof()) return InvalidArgument(path + ": cannot read");
  *mtime_nanos = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return data.str();
}

}  // namespace

int ConvertCommand(Args args) {
  Result<ParsedArgs> parsed = ParseArgs(args, {"-o"}, {});
  if (!parsed.ok()) return UsageError("convert", parsed.status().message());
  std::optional<std::string> output = parsed->Value("-o");
  if (parsed->positional.size() != 1 || !output) {
    return UsageError("convert", "usage: autoprof convert INPUT -o OUT.pb.gz");
  }
  const std::string& input = parsed->positional[0];
  int64_t mtime_nanos = 0;
  Result<std::string> data = ReadInput(input, &mtime_nanos);
  if (!data.ok()) return UsageError("convert", data.status().message());

  Symbolizer symbolizer(SymbolizerOptions::FilesOnDisk());
  Result<Profile> profile = ConvertGperftoolsOutput(*data, {}, symbolizer);
  if (!profile.ok()) return UsageError("convert", input + ": " + profile.status().message());
  // The raw data carries no clock: the file was written when collection ended.
  if (profile->time_nanos == 0) profile->time_nanos = mtime_nanos - profile->duration_nanos;

  Status written = WriteProfileFile(*output, *profile);
  if (!written.ok()) {
    std::fprintf(stderr, "autoprof convert: %s\n", written.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace autoprof::cli
