// Placeholder until the convert subcommand lands: says so and exits 2.
#include "args.h"

namespace autoprof::cli {

int ConvertCommand(Args) { return UsageError("convert", "not implemented in this build yet"); }

}  // namespace autoprof::cli
