// hopscope-cli check: route tests with expected decisions, plus coverage of the rules (docs/check.md).
#include "app/cli/cli.h"
#include "model/json_writer.h"
#include "simulator/check.h"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace hs::cli {

namespace {

int runCheck(const Args& args, Io& io) {
    auto testsPath = args.get("--tests");
    if (!testsPath) {
        io.err << "error: --tests FILE is required\n";
        return kExitUsage;
    }
    double failUnder = -1;
    if (auto f = args.get("--fail-under")) {
        char* end = nullptr;
        failUnder = std::strtod(f->c_str(), &end);
        if (!end || *end != '\0' || failUnder < 0 || failUnder > 100) {
            io.err << "error: --fail-under must be a percentage between 0 and 100\n";
            return kExitUsage;
        }
    }
    int code = kExitOk;
    auto profile = profileFrom(args, io, code);
    if (!profile) return code;
    sim::TestFile file = sim::loadTestFile(*testsPath);
    if (!file.problems.empty()) {
        for (const auto& d : file.problems) io.err << d.format() << '\n';
        return kExitUsage;
    }
    auto loaded = loadSource(args, io, code);
    if (!loaded) return code;
    sim::CheckReport rep = sim::runChecks(file, loaded->state, *profile);
    const double cov = rep.coveragePercent();
    std::size_t coveredCount = 0;
    for (bool c : rep.covered) coveredCount += c;

    if (args.has("--json")) {
        model::JsonWriter w(true);
        w.beginObject();
        w.field("passed", rep.passed).field("failed", rep.failed);
        w.field("coverage", std::round(cov * 10) / 10);
        w.key("tests").beginArray();
        for (const auto& r : rep.results) {
            w.beginObject();
            w.field("name", r.test->name).field("passed", r.passed);
            w.key("mismatches").beginArray();
            for (const auto& m : r.mismatches) {
                w.beginObject();
                w.field("field", m.field).field("expected", m.expected).field("actual", m.actual);
                w.endObject();
            }
            w.endArray();
            w.key("decision");
            sim::writeDecisionJson(w, r.decision, false);
            w.endObject();
        }
        w.endArray();
        w.key("uncovered").beginArray();
        for (std::size_t i = 0; i < rep.rules.size(); ++i)
            if (!rep.covered[i]) w.value(rep.rules[i].display());
        w.endArray();
        w.endObject();
        io.out << w.str() << '\n';
    } else {
        for (const auto& r : rep.results) {
            io.out << (r.passed ? "PASS  " : "FAIL  ") << r.test->name;
            if (!r.passed) io.out << "  (" << r.test->loc.fileName() << ':' << r.test->loc.line << ')';
            io.out << '\n';
            for (const auto& m : r.mismatches)
                io.out << "      " << m.field << ": expected " << (m.expected.empty() ? "\"\"" : m.expected) << ", got "
                       << (m.actual.empty() ? "\"\"" : m.actual) << '\n';
        }
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f%%", cov);
        io.out << '\n'
               << rep.passed << " passed, " << rep.failed << " failed · coverage " << buf << " (" << coveredCount
               << " of " << rep.rules.size() << " rules)\n";
        if (coveredCount < rep.rules.size()) {
            io.out << "Rules no test reached:\n";
            for (std::size_t i = 0; i < rep.rules.size(); ++i)
                if (!rep.covered[i]) io.out << "  " << rep.rules[i].display() << '\n';
        }
    }
    bool lintMissing = false;
    for (const auto& l : rep.lint)
        if (!l.found) {
            io.out << "FAIL  lint: no finding contains \"" << l.expected << "\"\n";
            lintMissing = true;
        }
    if (rep.failed > 0 || lintMissing) return kExitFindings;
    if (failUnder >= 0 && cov + 1e-9 < failUnder) {
        io.err << "coverage " << cov << "% is below --fail-under " << failUnder << "%\n";
        return kExitFindings;
    }
    return kExitOk;
}

}  // namespace

Command checkCommand() {
    Command c;
    c.name = "check";
    c.summary = "run route tests (request + expected decision) and report rule coverage";
    c.usage = "-f PATH... --tests FILE [--fail-under PCT] [--profile P] [--json]";
    c.options = sourceOptions();
    c.options.push_back({"--tests", "", true, false, false, "the tests file (docs/check.md)", "FILE"});
    c.options.push_back(
        {"--fail-under", "", true, false, false, "exit 1 when rule coverage is below this percentage", "PCT"});
    for (auto& o : profileOptions()) c.options.push_back(o);
    c.options.push_back({"--json", "", false, false, false, "print results as JSON", ""});
    c.run = runCheck;
    return c;
}

}  // namespace hs::cli
