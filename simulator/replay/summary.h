#pragma once
// What a replay found: every input line accounted for (requests + bad + skipped = lines), counts
// per outcome, status, Ingress, Service and Pod, latency percentiles from histograms, a time
// series per Pod at a fixed bucket width, scenario events, inferred hosts and the verify report.
// Written as the documented JSON (docs/replay.md, "Summary JSON") or as a text report.

#include "simulator/decision.h"
#include "simulator/replay/histogram.h"
#include "simulator/replay/host_inference.h"
#include "simulator/replay/verify.h"

#include <array>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hs::model {
class JsonWriter;
}

namespace hs::replay {

struct CountRow {
    std::string name;
    std::uint64_t requests = 0;
    std::uint64_t canary = 0;  // services: requests that went to it as a canary
};

struct ReasonRow {
    std::string reason;  // the reason with line-specific details removed
    std::uint64_t count = 0;
    std::string first;  // "file:line: why" of the first such line
};

struct PodReport {
    std::string name;  // "ns/name", or "host:port" for an endpoint without a Pod (ExternalName)
    std::string service;  // the Service it first served
    std::string serviceTime;  // the model's distribution at the end
    int concurrency = 0;
    int queueLimit = 0;
    std::uint64_t requests = 0;  // routed to it
    std::uint64_t completed = 0;
    std::uint64_t rejected = 0;  // its queue was full: the model answered 503
    std::int64_t busyNs = 0;  // Σ service time
    std::uint32_t maxInFlight = 0;
    std::uint32_t maxQueue = 0;
    LatencyHistogram latency;  // arrival → response, for requests it completed

    struct Bucket {
        std::uint64_t requests = 0, completed = 0, rejected = 0;
        std::int64_t latencySumNs = 0;
        std::uint32_t maxInFlight = 0, maxQueue = 0;
    };
    std::vector<Bucket> series;  // bucket i covers [start + i·width, start + (i+1)·width)
};

struct EventReport {
    std::int64_t atNs = 0;  // simulated time, from the first request
    std::uint64_t beforeLine = 0;  // the first request line it applied to (0: after the trace)
    std::string what;
    std::string effect;
    std::string error;
};

struct ReplayResult {
    // run
    std::string trace, format, cluster, profile;
    bool compressed = false;
    std::uint64_t seed = 1;
    double speed = 1.0;
    bool backToBack = false;
    std::vector<std::string> notes;  // about the trace format, hosts, ...

    // lines: requests + bad + skipped == lines
    std::uint64_t lines = 0, requests = 0, bad = 0, skipped = 0;
    std::vector<ReasonRow> badReasons, skippedReasons;
    std::uint64_t outOfOrder = 0;  // timestamps before the previous line's (replayed at that time)
    std::int64_t outOfOrderMaxNs = 0;  // the largest step back
    std::vector<std::string> outOfOrderExamples;
    std::string inputError;  // why reading stopped early (truncated gzip, ...)
    bool cancelled = false;
    bool stoppedByStrict = false;

    // time
    std::int64_t firstTraceNs = 0, lastTraceNs = 0;  // Unix ns of the first and last request
    std::int64_t simulatedNs = 0;  // from the first arrival to the last response
    std::int64_t bucketNs = 0;

    // decisions
    std::array<std::uint64_t, 7> outcomes{};  // by sim::Outcome
    std::map<std::string, std::uint64_t> statuses;  // "proxied", "308", "503 (Pod queue full)", ...
    std::vector<CountRow> ingresses, services;
    std::vector<PodReport> pods;
    LatencyHistogram latency;  // proxied requests, arrival → response
    std::uint64_t rejected = 0;  // Pod queues full

    std::vector<EventReport> events;
    std::vector<HostInference::Stat> hosts;  // when the trace has no hosts
    std::uint64_t hostsInferred = 0, hostsAmbiguous = 0, hostsFailed = 0, hostsGiven = 0;
    // a log without a scheme: recorded redirects that only the other scheme gives (HostInference)
    std::uint64_t schemesSwitched = 0;
    std::optional<VerifyReport> verify;

    void writeJson(model::JsonWriter& w) const;
    void writeText(std::ostream& out) const;
};

}  // namespace hs::replay
