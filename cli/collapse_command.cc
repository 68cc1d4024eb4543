// Placeholder until the collapse subcommand lands: says so and exits 2.
#include "args.h"

namespace autoprof::cli {

int CollapseCommand(Args) { return UsageError("collapse", "not implemented in this build yet"); }

}  // namespace autoprof::cli
