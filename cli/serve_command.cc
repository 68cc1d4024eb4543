// Placeholder until the serve subcommand lands: says so and exits 2.
#include "args.h"

namespace autoprof::cli {

int ServeCommand(Args) { return UsageError("serve", "not implemented in this build yet"); }

}  // namespace autoprof::cli
