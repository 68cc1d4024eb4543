// Placeholder until the cgroup subcommand lands: says so and exits 2.
#include "args.h"

namespace autoprof::cli {

int CgroupCommand(Args) { return UsageError("cgroup", "not implemented in this build yet"); }

}  // namespace autoprof::cli
