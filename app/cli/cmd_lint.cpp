// hopscope-cli lint: API-server validation and reference checks, compiler-style output.
#include "app/cli/cli.h"
#include "model/lint.h"
#include "simulator/route_table.h"

#include <ostream>

namespace hs::cli {

namespace {

int runLint(const Args& args, Io& io) {
    int code = kExitOk;
    auto loaded = loadSource(args, io, code, /*quiet=*/true);
    if (!loaded) return code;
    auto profile = profileFrom(args, io, code);
    if (!profile) return code;
    model::Diagnostics all = loaded->diagnostics;
    model::Diagnostics refs = model::lintReferences(*loaded->state);
    all.insert(all.end(), refs.begin(), refs.end());
    // What the chosen controller makes of it: conflicting paths, orphan canaries, routes not
    // accepted, Ingresses it does not serve (as notes).
    if (auto table = sim::compileRouteTable(loaded->state, *profile)) {
        model::Diagnostics findings = table->lint();
        all.insert(all.end(), findings.begin(), findings.end());
    }
    model::sortDiagnostics(all);
    bool showInfo = args.has("--all");
    for (const auto& d : all)
        if (d.severity != model::Severity::Info || showInfo) io.out << d.format() << '\n';
    std::size_t errors = model::countSeverity(all, model::Severity::Error);
    std::size_t warnings = model::countSeverity(all, model::Severity::Warning);
    std::size_t infos = model::countSeverity(all, model::Severity::Info);
    const auto& st = loaded->stats;
    io.err << errors << " error(s), " << warnings << " warning(s)";
    if (infos && !showInfo) io.err << ", " << infos << " note(s) (--all shows them)";
    io.err << " in " << st.files << " file(s), " << st.documents << " document(s), " << st.objects << " object(s)";
    int skipped = 0;
    for (const auto& [k, n] : st.skippedKinds) skipped += n;
    if (skipped) io.err << "; " << skipped << " object(s) of other kinds skipped";
    io.err << '\n';
    return errors + warnings > 0 ? kExitFindings : kExitOk;
}

}  // namespace

Command lintCommand() {
    Command c;
    c.name = "lint";
    c.summary = "validate manifests like the API server and check references";
    c.usage = "-f PATH... [--profile P] [--all]";
    c.options = sourceOptions();
    for (auto& o : profileOptions()) c.options.push_back(o);
    c.options.push_back({"--all", "", false, false, false, "also print notes (severity info)", ""});
    c.run = runLint;
    return c;
}

}  // namespace hs::cli
