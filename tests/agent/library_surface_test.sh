#!/usr/bin/env bash
# The agent's shared library exports the API of autoprof/agent.h and nothing else,
# and makes the host link none of libprofiler, tcmalloc, libcurl, libdw and libelf
# (all found or loaded at run time).
set -euo pipefail
lib=$1
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | c++filt | sort)
expected=$(printf '%s\n' \
  'autoprof::Agent::Running()' \
  'autoprof::Agent::Start(autoprof::AgentOptions const&)' \
  'autoprof::Agent::Stop()' \
  'autoprof::Agent::TriggerNow(autoprof::ProfileKind)' \
  autoprof_start_from_env autoprof_stop | sort)
if [ "$exported" != "$expected" ]; then
  echo "exported symbols differ from the API:"; diff <(echo "$expected") <(echo "$exported") || true
  exit 1
fi
needed=$(readelf -d "$lib" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
if echo "$needed" | grep -qE 'libprofiler|libtcmalloc|libprotobuf|libcurl|libdw|libelf'; then
  echo "the agent library needs: $needed"; exit 1
fi
echo "exports: $(echo "$exported" | tr '\n' ' ')"
echo "needs: $(echo "$needed" | tr '\n' ' ')"
