// CgroupFile: one kernel file read again and again at offset 0.
//
// The file is opened on the first Read() and kept open; each Read() is one pread at
// offset 0. When the kernel says the file is gone (ENODEV, ENOENT, EBADF: the cgroup
// was removed and perhaps recreated) it is reopened once and read again.
#ifndef AUTOPROF_CGROUP_CGROUP_FILE_H_
#define AUTOPROF_CGROUP_CGROUP_FILE_H_

#include <span>
#include <string>
#include <string_view>

#include "autoprof/status.h"
#include "autoprof/unique_fd.h"

namespace autoprof::cgroup_internal {

class CgroupFile {
 public:
  CgroupFile() = default;
  // keep_open false closes the file after every read (the benchmark's baseline).
  explicit CgroupFile(std::string path, bool keep_open = true)
      : path_(std::move(path)), keep_open_(keep_open) {}

  // The whole file, read into `buffer`; a view into it. NotFound when the file does
  // not exist; ResourceExhausted when it does not fit in `buffer`.
  Result<std::string_view> Read(std::span<char> buffer);

  const std::string& path() const { return path_; }

 private:
  Status Open();

  std::string path_;
  bool keep_open_ = true;
  UniqueFd fd_;
};

}  // namespace autoprof::cgroup_internal

#endif  // AUTOPROF_CGROUP_CGROUP_FILE_H_
