#pragma once
// Where the tests find Prometheus' conformance data (PromQL .test scripts, promtool's test files). It is
// read from beside the checkout, never copied into the repository; a plain clone has none, and the CTest
// entries that need it are then reported as skipped by tests/support/with_conformance_data.sh.

#include <cstdlib>
#include <string>

namespace twikit::testing {

/// The conformance data directory, ending in '/': $TWIKIT_CONFORMANCE_DIR when set and not empty, else
/// `../shared/conformance` beside the source tree.
inline std::string conformance_dir() {
  const char* env = std::getenv("TWIKIT_CONFORMANCE_DIR");
  std::string dir = env != nullptr && *env != '\0' ? env : std::string(TWIKIT_SHARED_DIR) + "/conformance";
  if (dir.back() != '/') dir += '/';
  return dir;
}

}  // namespace twikit::testing
