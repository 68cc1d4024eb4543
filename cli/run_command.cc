// Placeholder until the run subcommand lands: says so and exits 2.
#include "args.h"

namespace autoprof::cli {

int RunCommand(Args) { return UsageError("run", "not implemented in this build yet"); }

}  // namespace autoprof::cli
