// A plugin the stress test dlopens and dlcloses in a loop; it throws, so that
// unwinding (which takes the loader's lock) runs through a library that comes and goes.
#include <stdexcept>

extern "C" __attribute__((visibility("default"))) int stress_plugin_throw(int n) {
  if (n >= 0) throw std::runtime_error("stress " + std::to_string(n));
  return n;
}
