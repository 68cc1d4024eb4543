// Placeholder until the flame subcommand lands: says so and exits 2.
#include "args.h"

namespace autoprof::cli {

int FlameCommand(Args) { return UsageError("flame", "not implemented in this build yet"); }

}  // namespace autoprof::cli
