#include "model/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace hs::model {

const char* severityName(Severity s) {
    switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
    }
    return "error";
}

const std::string& SourceLoc::fileName() const {
    static const std::string none;
    return file ? *file : none;
}

std::string Diagnostic::format() const {
    std::string out;
    if (loc.known()) {
        out += *loc.file;
        if (loc.line > 0) {
            out += ':' + std::to_string(loc.line);
            if (loc.col > 0) out += ':' + std::to_string(loc.col);
        }
        out += ": ";
    }
    out += severityName(severity);
    out += ": ";
    out += message;
    if (!object.empty() || !field.empty()) {
        out += " [";
        out += object;
        if (!object.empty() && !field.empty()) out += ' ';
        out += field;
        out += ']';
    }
    return out;
}

void sortDiagnostics(Diagnostics& diags) {
    std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.loc.fileName(), a.loc.line, a.loc.col, a.object, a.field, a.message) <
            std::tie(b.loc.fileName(), b.loc.line, b.loc.col, b.object, b.field, b.message);
    });
}

std::size_t countSeverity(const Diagnostics& diags, Severity s) {
    return static_cast<std::size_t>(
        std::count_if(diags.begin(), diags.end(), [s](const Diagnostic& d) { return d.severity == s; }));
}

}  // namespace hs::model
