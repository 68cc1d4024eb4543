// libautoprof_preload.so: LD_PRELOAD it (or use `autoprof run`) and a binary
// that was never linked with the agent starts it from its environment. A failure
// to start is one line on stderr; the program runs on regardless.
#include "autoprof/agent.h"

namespace {

__attribute__((constructor)) void StartAutoprof() { autoprof_start_from_env(); }

}  // namespace
