// hopscope-cli replay: a trace through the routing engine over simulated time, with a model of the
// Pods behind it; summary, decision log, and verify against what the real controller recorded.
#include "app/cli/cli.h"
#include "app/cli/trace_options.h"
#include "model/atomic_file.h"
#include "model/json_writer.h"
#include "simulator/replay/engine.h"
#include "simulator/trace/trace_reader.h"

#include <charconv>
#include <fstream>
#include <optional>
#include <ostream>

namespace hs::cli {

std::vector<OptionSpec> traceOptions() {
    return {
        {"--trace", "", true, false, false,
         "the trace: an access log, JSON Lines, CSV or HAR file, gzip or not ('-' = stdin)", "FILE"},
        {"--format", "", true, false, false, "auto (default), jsonl, csv, ingress-nginx, nginx (combined), har", "F"},
        {"--log-format", "", true, false, false, "the nginx log_format the log was written with (any layout)", "'FMT'"},
        {"--host", "", true, false, false,
         "Host for requests whose trace records none (default: inferred from the upstream)", "HOST"},
        {"--scheme", "", true, false, false, "scheme for traces that do not record it: https (default) or http", "S"},
        {"--client-ip", "", true, false, false,
         "client address for traces that do not record it (default 203.0.113.10)", "IP"},
        {"--max-line-bytes", "", true, false, false, "longer lines are reported and skipped (default 1048576)", "N"},
        {"--strict", "", false, false, false, "stop at the first bad line (exit code 2)", ""},
        {"--max-problems", "", true, false, false,
         "how many bad lines to print to stderr (default 20; all are counted)", "N"},
        {"--seed", "", true, false, false, "random seed for balancers, canary weights and service times (default 1)",
         "N"},
    };
}

std::optional<trace::TraceOptions> traceOptionsFrom(const Args& args, Io& io, int& exitCode) {
    trace::TraceOptions o;
    if (auto f = args.get("--format")) {
        auto fmt = trace::formatFromName(*f);
        if (!fmt) {
            io.err << "error: unknown --format '" << *f << "' (auto, jsonl, csv, ingress-nginx, nginx, har)\n";
            exitCode = kExitUsage;
            return std::nullopt;
        }
        o.format = *fmt;
    }
    o.logFormat = args.get("--log-format", "");
    if (auto s = args.get("--scheme")) {
        if (*s != "http" && *s != "https") {
            io.err << "error: --scheme must be http or https\n";
            exitCode = kExitUsage;
            return std::nullopt;
        }
        o.defaultScheme = *s;
    }
    if (auto ip = args.get("--client-ip")) o.defaultClientIP = *ip;
    if (auto m = args.get("--max-line-bytes")) {
        std::size_t n = 0;
        auto r = std::from_chars(m->data(), m->data() + m->size(), n);
        if (r.ec != std::errc() || r.ptr != m->data() + m->size() || n < 256) {
            io.err << "error: --max-line-bytes must be a number of bytes ≥ 256\n";
            exitCode = kExitUsage;
            return std::nullopt;
        }
        o.maxLineBytes = n;
    }
    return o;
}

std::optional<std::uint64_t> seedFrom(const Args& args, Io& io, int& exitCode) {
    std::uint64_t seed = 1;
    if (auto s = args.get("--seed")) {
        auto res = std::from_chars(s->data(), s->data() + s->size(), seed);
        if (res.ec != std::errc() || res.ptr != s->data() + s->size()) {
            io.err << "error: --seed must be a non-negative integer\n";
            exitCode = kExitUsage;
            return std::nullopt;
        }
    }
    return seed;
}

// Prints the first `limit` problems, then counts the rest.
ProblemPrinter::ProblemPrinter(std::ostream& err, const Args& args) : err_(err) {
    if (auto m = args.get("--max-problems")) {
        std::size_t n = 0;
        auto r = std::from_chars(m->data(), m->data() + m->size(), n);
        if (r.ec == std::errc()) limit_ = n;
    }
}

void ProblemPrinter::operator()(const std::string& what) {
    if (printed_ < limit_)
        err_ << "warning: " << what << '\n';
    else
        ++suppressed_;
    ++printed_;
}

void ProblemPrinter::finish() {
    if (suppressed_)
        err_ << "warning: … and " << suppressed_ << " more (--max-problems N prints more; all are in the summary)\n";
}

namespace {

int runReplay(const Args& args, Io& io) {
    int code = kExitOk;
    auto traceFile = args.get("--trace");
    if (!traceFile) {
        io.err << "error: --trace FILE is required\n";
        return kExitUsage;
    }
    auto topts = traceOptionsFrom(args, io, code);
    if (!topts) return code;
    auto seed = seedFrom(args, io, code);
    if (!seed) return code;
    auto profile = profileFrom(args, io, code);
    if (!profile) return code;

    replay::ReplayOptions ro;
    ro.seed = *seed;
    ro.profile = *profile;
    if (auto sp = args.get("--speed")) {
        if (*sp == "max") {
            ro.backToBack = true;
        } else {
            char* end = nullptr;
            double v = std::strtod(sp->c_str(), &end);
            if (!end || *end != '\0' || !(v > 0) || v > 1e6) {
                io.err << "error: --speed must be a positive factor (0.5, 2, 10) or max\n";
                return kExitUsage;
            }
            ro.speed = v;
        }
    }
    if (auto b = args.get("--bucket")) {
        auto d = replay::parseDuration(*b);
        if (!d) {
            double secs = std::strtod(b->c_str(), nullptr);
            if (secs > 0) d = static_cast<std::int64_t>(secs * 1e9);
        }
        if (!d || *d < 1'000'000) {
            io.err << "error: --bucket must be a duration such as 10s or 1m\n";
            return kExitUsage;
        }
        ro.bucketNs = *d;
    }
    if (args.has("--verify") && args.has("--no-verify")) {
        io.err << "error: give --verify or --no-verify, not both\n";
        return kExitUsage;
    }
    if (args.has("--verify")) ro.verify = replay::ReplayOptions::Verify::On;
    if (args.has("--no-verify")) ro.verify = replay::ReplayOptions::Verify::Off;
    ro.host = args.get("--host", "");
    ro.strict = args.has("--strict");

    std::optional<replay::Scenario> scenario;
    if (auto sf = args.get("--scenario")) {
        auto sl = replay::loadScenario(*sf);
        for (const auto& d : sl.diagnostics) io.err << d.format() << '\n';
        if (!sl.scenario) {
            io.err << "error: the scenario " << *sf << " cannot be used\n";
            return kExitUsage;
        }
        scenario = std::move(sl.scenario);
        ro.scenario = &*scenario;
    }

    auto loaded = loadSource(args, io, code);
    if (!loaded) return code;
    ro.clusterName = loaded->state->source();
    auto table = sim::compileRouteTable(loaded->state, *profile);
    if (!table) {
        io.err << "error: profile " << sim::profileName(profile->profile) << " is not available in this build\n";
        return kExitUsage;
    }

    auto opened = trace::openTrace(*traceFile, *topts);
    if (!opened.reader) {
        io.err << "error: " << opened.error << '\n';
        return kExitUsage;
    }
    if (ro.verify == replay::ReplayOptions::Verify::On && !opened.reader->fields().upstream &&
        !opened.reader->fields().upstreamAddr && !opened.reader->fields().status) {
        io.err
            << "error: --verify needs a trace that records what the controller did ($proxy_upstream_name, $upstream_addr or a "
               "status); "
            << *traceFile << " (" << trace::formatName(opened.reader->format()) << ") records none\n";
        return kExitUsage;
    }

    // Output files are written atomically: a failed write leaves an earlier run's file intact.
    std::optional<model::AtomicFile> decisions;
    if (auto d = args.get("--decisions")) {
        decisions.emplace(*d);
        if (!decisions->openError().empty()) {
            io.err << "error: " << decisions->openError() << '\n';
            return kExitUsage;
        }
        ro.decisions = &decisions->stream();
    }
    ProblemPrinter problems(io.err, args);
    ro.onProblem = [&](const std::string& w) { problems(w); };

    replay::ReplayResult result = replay::replayTrace(*opened.reader, table, ro);
    problems.finish();

    if (decisions) {
        if (auto written = decisions->commit(); !written) {
            io.err << "error: writing the decision log failed: " << written.error << '\n';
            return kExitUsage;
        }
    }
    if (auto s = args.get("--summary")) {
        model::JsonWriter w(true);
        result.writeJson(w);
        std::string text = w.take();
        replay::repairUtf8(text);
        text += '\n';
        if (auto written = model::writeFileAtomic(*s, text); !written) {
            io.err << "error: " << written.error << '\n';
            return kExitUsage;
        }
    }
    if (args.has("--json")) {
        model::JsonWriter w(true);
        result.writeJson(w);
        std::string text = w.take();
        replay::repairUtf8(text);
        io.out << text << '\n';
    } else if (!args.has("--quiet")) {
        result.writeText(io.out);
    }

    if (!result.inputError.empty()) io.err << "warning: " << *traceFile << ": " << result.inputError << '\n';
    if (result.lines == 0) {
        if (result.inputError.empty())
            io.err << "error: " << *traceFile << " is empty: there are no requests to replay\n";
        else
            io.err << "error: nothing could be read from " << *traceFile << "\n";
        return kExitUsage;
    }
    if (result.stoppedByStrict) return kExitUsage;
    if (result.requests == 0) {
        io.err << "error: none of the " << result.lines << (result.format == "har" ? " entries" : " lines") << " of "
               << *traceFile << " is a request Hopscope can replay\n";
        return kExitUsage;
    }
    // Findings: disagreements in verify mode are what CI wants to fail on.
    if (result.verify && result.verify->agreed < result.verify->compared && args.has("--verify")) return kExitFindings;
    return kExitOk;
}

}  // namespace

Command replayCommand() {
    Command c;
    c.name = "replay";
    c.summary = "replay a trace (access log, JSON Lines, CSV, HAR) over time; summary, decision log, verify";
    c.usage =
        "-f PATH... --trace FILE [--format auto|jsonl|csv|ingress-nginx|nginx|har] [--log-format 'FMT'] [--scenario FILE] "
        "[--seed N] [--speed X|max] [--decisions OUT.jsonl] [--summary OUT.json] [--verify|--no-verify]";
    c.options = sourceOptions();
    for (auto& o : traceOptions()) c.options.push_back(o);
    for (auto& o : profileOptions()) c.options.push_back(o);
    c.options.push_back({"--scenario", "", true, false, false, "Pod model and events (docs/replay.md)", "FILE"});
    c.options.push_back(
        {"--speed", "", true, false, false, "arrivals at trace time ÷ X (default 1), or max: back to back", "X"});
    c.options.push_back({"--bucket", "", true, false, false, "time-series bucket width (default 10s)", "DURATION"});
    c.options.push_back(
        {"--decisions", "", true, false, false, "write one Decision per request (JSON Lines)", "OUT.jsonl"});
    c.options.push_back({"--summary", "", true, false, false, "write the summary (JSON, docs/replay.md)", "OUT.json"});
    c.options.push_back(
        {"--verify", "", false, false, false, "compare with what the log recorded; exit 1 on any disagreement", ""});
    c.options.push_back(
        {"--no-verify", "", false, false, false, "do not compare, even when the log records upstreams", ""});
    c.options.push_back({"--json", "", false, false, false, "print the summary JSON instead of the text report", ""});
    c.options.push_back({"--quiet", "", false, false, false, "no text report", ""});
    c.run = runReplay;
    return c;
}

}  // namespace hs::cli
