#pragma once
// Runs hopscope-cli in-process (the same hs::cli::run the binary calls) and captures what it
// prints: for tests of any module that drive the command line.

#include "app/cli/cli.h"

#include <sstream>
#include <string>
#include <vector>

namespace hs::testing {

struct CliResult {
    int code;
    std::string out, err;
};

inline CliResult runCli(std::vector<std::string> words) {
    std::ostringstream out, err;
    std::istringstream in;
    cli::Io io{out, err, in};
    int code = cli::run(words, io);
    return {code, out.str(), err.str()};
}

}  // namespace hs::testing
