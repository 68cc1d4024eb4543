// Placeholder until the diff subcommand lands: says so and exits 2.
#include "args.h"

namespace autoprof::cli {

int DiffCommand(Args) { return UsageError("diff", "not implemented in this build yet"); }

}  // namespace autoprof::cli
