#pragma once
// Located problems found while reading or validating input. A Diagnostic is a value: it crosses
// module boundaries instead of exceptions, and formats itself the way compilers do so editors and
// CI logs can jump to it.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hs::model {

enum class Severity : std::uint8_t { Error, Warning, Info };

const char* severityName(Severity s);

// Where something came from. `file` is shared by every object of a file; line/col are 1-based and
// 0 when unknown (objects read from a live cluster have no file).
struct SourceLoc {
    std::shared_ptr<const std::string> file;
    std::uint32_t line = 0;
    std::uint32_t col = 0;

    bool known() const { return file != nullptr; }
    const std::string& fileName() const;
};

struct Diagnostic {
    Severity severity = Severity::Error;
    SourceLoc loc;
    std::string message;
    std::string object;  // "Kind ns/name" when the problem belongs to an object
    std::string field;  // "spec.rules[0].http.paths[1].path"
    std::string code;  // stable identifier, e.g. "ingress.path.relative"

    // `file:line:col: severity: message [Kind ns/name field]`
    std::string format() const;
};

using Diagnostics = std::vector<Diagnostic>;

// Sorts by file, line, column, then message, so output never depends on thread scheduling.
void sortDiagnostics(Diagnostics& diags);

std::size_t countSeverity(const Diagnostics& diags, Severity s);

}  // namespace hs::model
