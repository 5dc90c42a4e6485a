#pragma once
// The replay engine: a trace through a RouteTable over simulated time (docs/replay.md).
//
// Discrete events with integer nanoseconds, ordered by (time, sequence): at equal times, Pods
// finish before new requests arrive. Arrivals follow the trace's timestamps scaled by `speed`
// (requests that share a timestamp of coarse resolution — 1 s for $time_local — are spread evenly
// over it), or come back to back. Each routed request occupies one of its Pod's concurrency slots
// for a service time drawn from the Pod's distribution, waiting in the Pod's queue when all are
// busy; the response time reaches the balancers (EWMA) through RouteSession::observe. Scenario
// events change the cluster at trace times: the table is recompiled and the session continued
// (RouteTable::continueSession). Everything random comes from `seed`: the same inputs give the
// same decision log, byte for byte.
//
// Memory stays constant in the trace's length: records are reused, Pods hold histograms, and
// queues are bounded (queueLimit).

#include "model/cluster_state.h"
#include "simulator/replay/scenario.h"
#include "simulator/replay/summary.h"
#include "simulator/route_table.h"
#include "simulator/trace/trace_reader.h"

#include <atomic>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

namespace hs::replay {

struct ReplayProgress {
    std::uint64_t lines = 0;
    std::int64_t simulatedNs = 0;
};

struct ReplayOptions {
    std::uint64_t seed = 1;
    double speed = 1.0;  // arrivals at first + (t − first) / speed
    bool backToBack = false;  // ignore timestamps: one request per simulated nanosecond
    const Scenario* scenario = nullptr;  // not owned; null = default Pod model, no events
    sim::ProfileOptions profile;  // recompiles the table after cluster events
    std::int64_t bucketNs = 10 * kSec;  // time-series bucket width (doubled if the trace is very long)
    enum class Verify : std::uint8_t { Auto, On, Off } verify = Verify::Auto;
    std::string host;  // Host for requests whose trace records none (else inferred)
    bool strict = false;  // the first bad line ends the replay
    std::ostream* decisions = nullptr;  // JSON Lines: one Decision per request (without hops)
    std::size_t maxExamples = 3;
    std::string clusterName;  // for the report ("demo", "files: …")
    // Every bad line and every line whose timestamp goes backwards, as "file:line: why".
    std::function<void(const std::string&)> onProblem;
    // Called about every 65536 lines; returning false cancels (the result is then partial).
    std::function<bool(const ReplayProgress&)> progress;
    // Checked before every record: once it reads true the replay stops (cancelled, partial
    // result). For callers that cancel from another thread faster than `progress` comes round.
    const std::atomic<bool>* cancel = nullptr;
    // Live observers (the desktop app's charts), called on the replaying thread. `onRequest` after
    // each request is decided (the record as routed: host inferred, timeNs = simulated time);
    // `atNs` is simulated time from the first arrival; `rejected` when its Pod's queue was full
    // (the model answered 503). `onCompleted` when a Pod answers a request: the Pod (as in
    // PodReport::name), simulated time from the first arrival, and the request's latency.
    std::function<void(const trace::TraceRecord& rec, const sim::Decision& d, std::int64_t atNs, bool rejected)>
        onRequest;
    std::function<void(const std::string& pod, std::int64_t atNs, std::int64_t latencyNs)> onCompleted;
};

// Replays `reader` through `table`. Never throws for bad input: problems are in the result.
ReplayResult replayTrace(trace::TraceReader& reader, std::shared_ptr<const sim::RouteTable> table,
                         const ReplayOptions& options);

// The choice key of the request on trace line `line` for a seed (RouteOptions::choiceKey): the
// same line makes the same weighted choice in every run with that seed (replay, diff, generator).
std::uint64_t choiceKeyFor(std::uint64_t seed, std::uint64_t line);

// Writes `s` as a JSON string, replacing bytes that are not UTF-8 with U+FFFD (traces may hold any
// bytes; the JSON Hopscope writes is always valid).
void appendJsonString(std::string& out, std::string_view s);
// Makes a finished JSON text valid UTF-8 in place (invalid bytes → U+FFFD). Cheap when valid.
void repairUtf8(std::string& text);

}  // namespace hs::replay
