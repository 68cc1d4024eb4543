// A service that uses the installed package: it links autoprof::cgroup and
// autoprof::profile and uses one public type from each.
#include <autoprof/profile.h>
#include <autoprof/status.h>

#include <cstdio>

int main() {
  autoprof::Profile p;
  p.sample_types.push_back({"samples", "count"});
  autoprof::Status s = autoprof::InvalidArgument("consumer: example");
  std::printf("consumer linked: %zu sample type(s), status '%s'\n", p.sample_types.size(),
              s.message().c_str());
  return s.ok() ? 1 : 0;
}
