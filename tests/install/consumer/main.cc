// A service that uses the installed package: it links autoprof::agent,
// autoprof::cgroup and autoprof::profile and uses each.
#include <autoprof/agent.h>
#include <autoprof/cgroup.h>
#include <autoprof/profile.h>
#include <autoprof/status.h>

#include <cstdio>

int main() {
  autoprof::Profile p;
  p.sample_types.push_back({"samples", "count"});
  autoprof::Status s = autoprof::InvalidArgument("consumer: example");
  auto cgroup = autoprof::Cgroup::Open({});
  std::printf("cgroup: %s\n", cgroup.ok() ? "opened" : cgroup.status().message().c_str());
  autoprof::AgentOptions options;
  options.enabled = false;  // linked and callable; not started in a test
  if (!autoprof::Agent::Start(options).ok() || autoprof::Agent::Running()) return 1;
  std::printf("consumer linked: %zu sample type(s), status '%s'\n", p.sample_types.size(),
              s.message().c_str());
  return s.ok() ? 1 : 0;
}
