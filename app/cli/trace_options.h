#pragma once
// Options shared by the commands that read traces (replay, diff): the trace file and how to read
// it, the seed, and printing bad lines without flooding the terminal.

#include "app/cli/cli.h"
#include "simulator/trace/trace_reader.h"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace hs::cli {

// --trace, --format, --log-format, --host, --scheme, --client-ip, --max-line-bytes, --strict,
// --max-problems, --seed
std::vector<OptionSpec> traceOptions();
std::optional<trace::TraceOptions> traceOptionsFrom(const Args& args, Io& io, int& exitCode);
std::optional<std::uint64_t> seedFrom(const Args& args, Io& io, int& exitCode);

// Prints the first --max-problems (default 20) problems as warnings, counts the rest.
class ProblemPrinter {
public:
    ProblemPrinter(std::ostream& err, const Args& args);
    void operator()(const std::string& what);
    void finish();

private:
    std::ostream& err_;
    std::size_t limit_ = 20;
    std::size_t printed_ = 0;
    std::size_t suppressed_ = 0;
};

}  // namespace hs::cli
