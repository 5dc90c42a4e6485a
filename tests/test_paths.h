#pragma once
// Paths of the checkout and the build for tests that read their files. CTest passes them in the
// environment (hs_add_test, tests/CMakeLists.txt) instead of compile definitions, so no test
// object depends on where the checkout lives and ccache reuses them from any clone.
#include <cstdio>
#include <cstdlib>
#include <string>

namespace hs::testing {

inline std::string pathFromEnvironment(const char* name) {
    const char* value = std::getenv(name);
    if (value && *value) return value;
    std::fprintf(stderr, "%s is not set: run the tests through ctest (it sets it), or set it by hand\n", name);
    std::exit(2);
}

// The checkout (HS_SOURCE_DIR).
inline const std::string& sourceDir() {
    static const std::string dir = pathFromEnvironment("HS_SOURCE_DIR");
    return dir;
}

// The build tree (HS_BINARY_DIR).
inline const std::string& binaryDir() {
    static const std::string dir = pathFromEnvironment("HS_BINARY_DIR");
    return dir;
}

// The demo access log the build generates (hs_demo_trace_files).
inline std::string demoTraceFile() { return binaryDir() + "/share/hopscope/demo/access.log.gz"; }

}  // namespace hs::testing
