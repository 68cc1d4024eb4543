// Placeholder until the top subcommand lands: says so and exits 2.
#include "args.h"

namespace autoprof::cli {

int TopCommand(Args) { return UsageError("top", "not implemented in this build yet"); }

}  // namespace autoprof::cli
