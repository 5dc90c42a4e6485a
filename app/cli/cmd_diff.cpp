// hopscope-cli diff: the same trace through two configurations (two manifest sets, or two
// controller profiles); every request whose outcome, Service, status, rewrite or redirect changes,
// grouped. Exit code 1 when anything changes, so CI can gate a migration on it.
#include "app/cli/cli.h"
#include "app/cli/trace_options.h"
#include "model/json_writer.h"
#include "simulator/replay/diff.h"
#include "simulator/replay/engine.h"

#include <ostream>

namespace hs::cli {

namespace {

int runDiff(const Args& args, Io& io) {
    int code = kExitOk;
    auto traceFile = args.get("--trace");
    if (!traceFile) {
        io.err << "error: --trace FILE is required\n";
        return kExitUsage;
    }
    std::vector<std::string> against = args.all("--against");
    if (against.empty() && !args.has("--against-profile")) {
        io.err << "error: give what to compare with: --against PATH... (other manifests) and/or --against-profile P\n";
        return kExitUsage;
    }
    auto topts = traceOptionsFrom(args, io, code);
    if (!topts) return code;
    auto seed = seedFrom(args, io, code);
    if (!seed) return code;
    auto beforeProfile = profileFrom(args, io, code);
    if (!beforeProfile) return code;
    std::optional<sim::ProfileOptions> afterProfile = beforeProfile;
    if (args.has("--against-profile") || args.has("--against-ingress-class") ||
        args.has("--against-controller-config") || args.has("--against-gateway") || args.has("--against-gce-ingress")) {
        afterProfile = profileFrom(args, io, code, "against-");
        if (!afterProfile) return code;
    }

    auto before = loadSource(args, io, code);
    if (!before) return code;
    std::shared_ptr<const model::ClusterState> afterState = before->state;
    std::string afterLabel = before->state->source();
    if (!against.empty()) {
        auto loaded = model::loadManifests(against);
        for (const auto& d : loaded.diagnostics)
            if (d.severity == model::Severity::Error) io.err << d.format() << '\n';
        if (loaded.inputError) return kExitUsage;
        afterState = loaded.state;
        afterLabel = afterState->source();
    }

    auto tb = sim::compileRouteTable(before->state, *beforeProfile);
    auto ta = sim::compileRouteTable(afterState, *afterProfile);
    for (auto [table, p] : {std::pair{tb.get(), &*beforeProfile}, std::pair{ta.get(), &*afterProfile}}) {
        if (!table) {
            io.err << "error: profile " << sim::profileName(p->profile)
                   << " is not available in this build (its routing model is not merged yet)\n";
            return kExitUsage;
        }
    }

    auto opened = trace::openTrace(*traceFile, *topts);
    if (!opened.reader) {
        io.err << "error: " << opened.error << '\n';
        return kExitUsage;
    }
    replay::DiffOptions opt;
    opt.seed = *seed;
    opt.host = args.get("--host", "");
    opt.strict = args.has("--strict");
    opt.beforeLabel = before->state->source();
    opt.afterLabel = afterLabel;
    if (auto m = args.get("--max-examples"))
        opt.maxExamples = static_cast<std::size_t>(std::max(0L, std::strtol(m->c_str(), nullptr, 10)));
    ProblemPrinter problems(io.err, args);
    opt.onProblem = [&](const std::string& w) { problems(w); };

    replay::DiffReport rep = replay::diffTrace(*opened.reader, tb, ta, opt);
    problems.finish();

    if (args.has("--json")) {
        model::JsonWriter w(true);
        rep.writeJson(w);
        std::string text = w.take();
        replay::repairUtf8(text);
        io.out << text << '\n';
    } else {
        rep.writeText(io.out);
    }
    if (!rep.inputError.empty()) io.err << "warning: " << *traceFile << ": " << rep.inputError << '\n';
    if (rep.lines == 0) {
        if (rep.inputError.empty())
            io.err << "error: " << *traceFile << " is empty: there are no requests to compare\n";
        else
            io.err << "error: nothing could be read from " << *traceFile << "\n";
        return kExitUsage;
    }
    if (rep.stoppedByStrict || rep.requests == 0) {
        if (rep.requests == 0)
            io.err << "error: none of the " << rep.lines << " lines of " << *traceFile << " is a request\n";
        return kExitUsage;
    }
    return rep.changed ? kExitFindings : kExitOk;
}

}  // namespace

Command diffCommand() {
    Command c;
    c.name = "diff";
    c.summary = "the same trace through two configurations: which requests change, grouped (exit 1 if any)";
    c.usage = "-f BEFORE... [--against AFTER...] --trace FILE [--profile P] [--against-profile P2] [--json]";
    c.options = sourceOptions();
    c.options.push_back(
        {"--against", "", true, true, true, "the manifests to compare with (files or folders)", "PATH..."});
    for (auto& o : traceOptions()) c.options.push_back(o);
    for (auto& o : profileOptions()) c.options.push_back(o);
    for (auto& o : profileOptions("against-")) c.options.push_back(o);
    c.options.push_back({"--max-examples", "", true, false, false, "example requests per group (default 3)", "N"});
    c.options.push_back({"--json", "", false, false, false, "print the report as JSON (docs/diff.md)", ""});
    c.run = runDiff;
    return c;
}

}  // namespace hs::cli
