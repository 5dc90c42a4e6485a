#include "simulator/replay/summary.h"

#include "model/json_writer.h"
#include "simulator/replay/scenario.h"
#include "simulator/trace/time_parse.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace hs::replay {

namespace {

double ms(std::int64_t ns) { return std::round(static_cast<double>(ns) / 1e3) / 1e3; }

void latencyJson(model::JsonWriter& w, const LatencyHistogram& h) {
    w.beginObject();
    w.field("count", h.count());
    if (h.count()) {
        w.field("mean", ms(h.mean())).field("p50", ms(h.quantile(0.5))).field("p90", ms(h.quantile(0.9)));
        w.field("p95", ms(h.quantile(0.95))).field("p99", ms(h.quantile(0.99))).field("p999", ms(h.quantile(0.999)));
        w.field("max", ms(h.max()));
    }
    w.endObject();
}

std::string pct(std::uint64_t part, std::uint64_t whole) {
    if (!whole) return "0%";
    char buf[32];
    double p = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
    std::snprintf(buf, sizeof buf, p >= 10 || p == 0 ? "%.0f%%" : "%.1f%%", p);
    return buf;
}

std::string pad(std::string s, std::size_t w) {
    // display width: count UTF-8 lead bytes only
    std::size_t cols = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++cols;
    if (cols < w) s.append(w - cols, ' ');
    return s;
}

std::string rpad(const std::string& s, std::size_t w) { return s.size() >= w ? s : std::string(w - s.size(), ' ') + s; }

std::string dur(std::int64_t ns) { return formatDuration(ns); }

std::string utilization(const PodReport& p, std::int64_t span) {
    if (span <= 0 || p.concurrency <= 0) return "-";
    double u = static_cast<double>(p.busyNs) / (static_cast<double>(span) * p.concurrency);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * u);
    return buf;
}

}  // namespace

void ReplayResult::writeJson(model::JsonWriter& w) const {
    w.beginObject();
    w.field("kind", "hopscope-replay-summary").field("version", 1);
    w.key("trace").beginObject();
    w.field("file", trace).field("format", format).field("compressed", compressed);
    w.endObject();
    w.field("cluster", cluster).field("profile", profile).field("seed", seed);
    if (backToBack)
        w.field("speed", "max");
    else
        w.field("speed", speed);
    w.key("notes").beginArray();
    for (const auto& n : notes) w.value(n);
    w.endArray();

    w.key("lines").beginObject();
    w.field("total", lines).field("requests", requests).field("bad", bad).field("skipped", skipped);
    w.endObject();
    auto reasons = [&](const char* key, const std::vector<ReasonRow>& rows) {
        w.key(key).beginArray();
        for (const auto& r : rows) {
            w.beginObject();
            w.field("reason", r.reason).field("count", r.count).field("first", r.first);
            w.endObject();
        }
        w.endArray();
    };
    reasons("badLines", badReasons);
    reasons("skippedLines", skippedReasons);
    w.key("timestampsBackwards").beginObject();
    w.field("count", outOfOrder);
    w.field("maxSeconds", static_cast<double>(outOfOrderMaxNs) / 1e9);
    w.key("examples").beginArray();
    for (const auto& e : outOfOrderExamples) w.value(e);
    w.endArray();
    w.endObject();
    if (inputError.empty())
        w.nullField("inputError");
    else
        w.field("inputError", inputError);
    w.field("cancelled", cancelled).field("stoppedByStrict", stoppedByStrict);

    w.key("time").beginObject();
    if (requests) {
        w.field("first", trace::formatIso8601Ms(firstTraceNs)).field("last", trace::formatIso8601Ms(lastTraceNs));
    } else {
        w.nullField("first").nullField("last");
    }
    w.field("simulatedSeconds", std::round(static_cast<double>(simulatedNs) / 1e6) / 1e3);
    w.endObject();

    w.key("outcomes").beginObject();
    for (std::size_t i = 0; i < outcomes.size(); ++i)
        w.field(sim::outcomeName(static_cast<sim::Outcome>(i)), outcomes[i]);
    w.endObject();
    w.key("statuses").beginObject();
    for (const auto& [k, v] : statuses) w.field(k, v);
    w.endObject();
    w.key("latencyMs");
    latencyJson(w, latency);

    w.key("ingresses").beginArray();
    for (const auto& r : ingresses) {
        w.beginObject();
        w.field("name", r.name).field("requests", r.requests);
        w.endObject();
    }
    w.endArray();
    w.key("services").beginArray();
    for (const auto& r : services) {
        w.beginObject();
        w.field("name", r.name).field("requests", r.requests).field("canary", r.canary);
        w.endObject();
    }
    w.endArray();
    w.key("pods").beginArray();
    for (const auto& p : pods) {
        w.beginObject();
        w.field("name", p.name).field("service", p.service).field("serviceTime", p.serviceTime);
        w.field("concurrency", p.concurrency).field("queueLimit", p.queueLimit);
        w.field("requests", p.requests).field("completed", p.completed).field("rejected", p.rejected);
        double util = simulatedNs > 0 && p.concurrency > 0
            ? static_cast<double>(p.busyNs) / (static_cast<double>(simulatedNs) * p.concurrency)
            : 0.0;
        w.field("utilization", std::round(util * 1e4) / 1e4);
        w.field("maxInFlight", static_cast<std::uint64_t>(p.maxInFlight))
            .field("maxQueue", static_cast<std::uint64_t>(p.maxQueue));
        w.key("latencyMs");
        latencyJson(w, p.latency);
        w.endObject();
    }
    w.endArray();

    w.key("timeSeries").beginObject();
    w.field("bucketSeconds", static_cast<double>(bucketNs) / 1e9);
    w.field("start", requests ? trace::formatIso8601Ms(firstTraceNs) : std::string());
    w.key("pods").beginArray();
    for (const auto& p : pods) {
        w.beginObject();
        w.field("name", p.name);
        auto series = [&](const char* key, auto get) {
            w.key(key).beginArray();
            for (const auto& b : p.series) w.value(get(b));
            w.endArray();
        };
        series("requests", [](const PodReport::Bucket& b) { return b.requests; });
        series("completed", [](const PodReport::Bucket& b) { return b.completed; });
        series("rejected", [](const PodReport::Bucket& b) { return b.rejected; });
        series("meanLatencyMs", [](const PodReport::Bucket& b) {
            return b.completed ? ms(b.latencySumNs / static_cast<std::int64_t>(b.completed)) : 0.0;
        });
        series("maxInFlight", [](const PodReport::Bucket& b) { return static_cast<std::uint64_t>(b.maxInFlight); });
        series("maxQueue", [](const PodReport::Bucket& b) { return static_cast<std::uint64_t>(b.maxQueue); });
        w.endObject();
    }
    w.endArray();
    w.endObject();

    w.key("events").beginArray();
    for (const auto& e : events) {
        w.beginObject();
        w.field("atSeconds", std::round(static_cast<double>(e.atNs) / 1e6) / 1e3);
        if (e.beforeLine)
            w.field("line", e.beforeLine);
        else
            w.nullField("line");
        w.field("event", e.what);
        if (e.error.empty())
            w.field("effect", e.effect).nullField("error");
        else
            w.nullField("effect").field("error", e.error);
        w.endObject();
    }
    w.endArray();

    w.key("hosts").beginObject();
    w.field("inferred", hostsInferred)
        .field("ambiguous", hostsAmbiguous)
        .field("notInferred", hostsFailed)
        .field("given", hostsGiven);
    w.key("byUpstream").beginArray();
    for (const auto& h : hosts) {
        w.beginObject();
        w.field("upstream", h.upstream);
        if (h.host.empty())
            w.nullField("host");
        else
            w.field("host", h.host);
        w.key("alsoFits").beginArray();
        for (const auto& a : h.alternatives) w.value(a);
        w.endArray();
        w.field("requests", h.requests);
        w.endObject();
    }
    w.endArray();
    w.endObject();
    // requests of a log without $scheme replayed with the other scheme (docs/traces.md)
    w.field("schemesSwitched", schemesSwitched);

    if (verify) {
        w.key("verify");
        verify->writeJson(w);
    } else {
        w.nullField("verify");
    }
    w.endObject();
}

void ReplayResult::writeText(std::ostream& out) const {
    const char* unit = format == "har" ? " entries" : " lines";
    out << "Replay of " << trace << " (" << format << (compressed ? ", gzip" : "") << ", " << lines << unit << ") through " << (cluster.empty() ? std::string("the cluster") : cluster) << ", profile " << profile << ", seed " << seed << ", speed " << (backToBack ? std::string("max (back to back)") : [&] {
        char b[32];
        std::snprintf(b, sizeof b, "%g×", speed);
        return std::string(b);
    }()) << "\n";
    for (const auto& n : notes) out << "  note: " << n << "\n";
    out << "\n"
        << (format == "har" ? "Entries    " : "Lines      ") << requests << " requests · " << bad << " bad · "
        << skipped << " skipped  (= " << lines << ")\n";
    for (const auto& r : badReasons)
        out << "  bad      " << r.count << " × " << r.reason << "  (first: " << r.first << ")\n";
    for (const auto& r : skippedReasons)
        out << "  skipped  " << r.count << " × " << r.reason << "  (first: " << r.first << ")\n";
    if (outOfOrder) {
        out << "  " << outOfOrder
            << " request(s) with a timestamp before the previous line's were replayed at that line's time\n";
        for (const auto& e : outOfOrderExamples) out << "    " << e << "\n";
        if (outOfOrderMaxNs >= 60'000'000'000LL)
            out << "    (up to " << dur(outOfOrderMaxNs)
                << " back: several logs one after another — controller replicas, kubectl logs of several Pods? "
                   "Their requests are replayed at the latest time seen, which piles the later log's traffic up: "
                   "merge the logs in time order, or replay each)\n";
    }
    if (!inputError.empty()) out << "  input: " << inputError << "\n";
    if (cancelled) out << "  cancelled: the results cover the lines read so far\n";
    if (stoppedByStrict) out << "  stopped at the first bad line (--strict)\n";
    if (requests == 0) {
        out << "\nNo requests to replay.\n";
        return;
    }
    out << "Time       " << trace::formatIso8601Ms(firstTraceNs) << " … " << trace::formatIso8601Ms(lastTraceNs)
        << ", simulated " << dur(simulatedNs) << "\n";

    out << "\nOutcomes   ";
    const char* sep = "";
    for (std::size_t i = 0; i < outcomes.size(); ++i)
        if (outcomes[i]) {
            out << sep << sim::outcomeName(static_cast<sim::Outcome>(i)) << " " << outcomes[i] << " ("
                << pct(outcomes[i], requests) << ")";
            sep = " · ";
        }
    out << "\nStatuses   ";
    sep = "";
    if (auto p = statuses.find("proxied"); p != statuses.end()) {
        out << "proxied to Pods " << p->second;
        sep = " · ";
    }
    for (const auto& [k, v] : statuses)
        if (k != "proxied") {
            out << sep << k << " " << v;
            sep = " · ";
        }
    out << "  (the controller's own answers by status)";
    out << "\nLatency    proxied requests, arrival → response:";
    if (latency.count())
        out << " p50 " << dur(latency.quantile(0.5)) << " · p90 " << dur(latency.quantile(0.9)) << " · p99 "
            << dur(latency.quantile(0.99)) << " · p99.9 " << dur(latency.quantile(0.999)) << " · max "
            << dur(latency.max());
    else
        out << " none";
    out << "\n";

    out << "\n" << pad("Ingress", 44) << rpad("requests", 10) << "\n";
    for (const auto& r : ingresses) out << "  " << pad(r.name, 42) << rpad(std::to_string(r.requests), 10) << "\n";
    out << "\n" << pad("Service", 44) << rpad("requests", 10) << rpad("canary", 9) << "\n";
    for (const auto& r : services)
        out << "  " << pad(r.name, 42) << rpad(std::to_string(r.requests), 10)
            << rpad(r.canary ? std::to_string(r.canary) : "", 9) << "\n";
    out << "\n"
        << pad("Pod", 44) << rpad("requests", 10) << rpad("busy", 8) << rpad("max queue", 11) << rpad("rejected", 10)
        << rpad("p50", 10) << rpad("p99", 10) << "\n";
    for (const auto& p : pods)
        out << "  " << pad(p.name, 42) << rpad(std::to_string(p.requests), 10) << rpad(utilization(p, simulatedNs), 8)
            << rpad(std::to_string(p.maxQueue), 11) << rpad(std::to_string(p.rejected), 10)
            << rpad(p.latency.count() ? dur(p.latency.quantile(0.5)) : "-", 10)
            << rpad(p.latency.count() ? dur(p.latency.quantile(0.99)) : "-", 10) << "\n";

    if (!events.empty()) {
        out << "\nScenario events\n";
        for (const auto& e : events) {
            out << "  +" << pad(dur(e.atNs), 9) << e.what;
            if (!e.error.empty())
                out << ": NOT APPLIED: " << e.error;
            else if (!e.effect.empty())
                out << ": " << e.effect;
            if (e.beforeLine) out << " (from line " << e.beforeLine << ")";
            out << "\n";
        }
    }
    if (!hosts.empty()) {
        out << "\nHosts the trace does not record, inferred from the recorded upstream and path: " << hostsInferred
            << " requests";
        if (hostsAmbiguous) out << ", " << hostsAmbiguous << " ambiguous";
        if (hostsFailed) out << ", " << hostsFailed << " without a host";
        out << "\n";
        std::size_t width = 20;
        for (const auto& h : hosts) width = std::max(width, h.upstream.size() + 1);
        for (const auto& h : hosts) {
            out << "  " << pad(h.upstream, width) << "→ "
                << pad(h.host.empty() ? std::string("(none: no Host header)") : h.host, 34)
                << rpad(std::to_string(h.requests), 8);
            if (!h.alternatives.empty()) {
                out << "  ambiguous, also fits:";
                for (const auto& a : h.alternatives) out << " " << (a.empty() ? std::string("(no Host)") : a);
            }
            out << "\n";
        }
    }
    if (schemesSwitched)
        out << "\nSchemes the trace does not record: " << schemesSwitched
            << " request(s) replayed with the other scheme: the controller's recorded redirect fits only that one "
               "(a plain-HTTP request sent to https)\n";
    if (verify) {
        const VerifyReport& v = *verify;
        std::string checks;
        for (const auto& c : v.checks) checks += (checks.empty() ? "" : ", ") + c;
        char rate[32];
        std::snprintf(rate, sizeof rate, "%.2f%%", 100.0 * v.rate());
        if (v.compared == 0) {
            out << "\nVerify (" << checks
                << "): no request could be compared: no line recorded what the controller did\n";
        } else {
            out << "\nVerify (" << checks << "): " << v.agreed << " of " << v.compared
                << " requests agree with the recorded log (" << rate << ")\n";
        }
        if (v.canaryByWeight) out << "  " << v.canaryByWeight << " canary choice(s) were weight rolls: not compared\n";
        if (v.endpointsNotChecked)
            out << "  " << v.endpointsNotChecked
                << " ExternalName endpoint(s): nginx logs the resolved address, not compared\n";
        if (v.groups.empty()) out << "  no disagreements\n";
        for (const auto& g : v.groups) {
            out << "  " << g.check << ": recorded " << g.recorded << ", simulated " << g.simulated << ": " << g.count
                << " request(s)\n";
            for (const auto& e : g.examples) out << "      e.g. " << e << "\n";
        }
    }
}

}  // namespace hs::replay
