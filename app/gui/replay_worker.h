#pragma once
// The replay panel's background half: ReplayStats folds the engine's live observations
// (ReplayOptions::onRequest / onCompleted) into time buckets, and ReplayWorker runs one replay on
// its own thread, posting immutable ReplaySnapshots about every 100 ms and a final one with the
// engine's ReplayResult. Nothing here touches a widget; snapshots are shared read-only.

#include "simulator/decision.h"
#include "simulator/replay/histogram.h"
#include "simulator/replay/summary.h"
#include "simulator/request.h"
#include "simulator/route_table.h"
#include "simulator/trace/trace_record.h"

#include <QObject>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace hs::gui {

// One request kept so a user can pick it behind a chart point or table row.
struct ReplaySample {
    std::uint64_t line = 0;  // trace line
    std::int64_t atNs = 0;  // simulated time from the first arrival
    std::uint32_t series = 0;  // index into ReplaySnapshot::series
    bool rejected = false;  // its Pod's queue was full (503)
    sim::Request request;  // as the engine routed it (host inferred)
    sim::Decision decision;  // the engine's fast decision: no hops
};
using ReplaySamples = std::vector<ReplaySample>;

// Status classes of the "status codes over time" chart.
enum class StatusClass : std::uint8_t { Proxied, Redirect, ClientError, ServerError };
constexpr std::size_t kStatusClasses = 4;
const char* statusClassName(StatusClass c);
StatusClass statusClassOf(const sim::Decision& d, bool rejected);

// What a replay has seen so far. Immutable once posted.
struct ReplaySnapshot {
    std::int64_t bucketNs = 0;
    std::uint64_t lines = 0;  // trace lines read (requests + bad + skipped), approximate while running
    std::uint64_t totalLines = 0;  // of the whole trace (counted before the replay; 0 when unknown)
    std::uint64_t requests = 0;
    std::uint64_t problemCount = 0;  // bad lines and timestamps going back
    std::vector<std::string> firstProblems;  // "file:line: why", the first few

    // Series: a Pod ("ns/name" or endpoint), or "(controller: <outcome>)" for requests no Pod served.
    std::vector<std::string> series;
    std::vector<std::string> seriesService;  // the Service each series first served
    std::vector<std::vector<std::uint32_t>> requestsPerBucket;  // [series][bucket]
    std::vector<std::array<double, 3>> latencyMs;  // [bucket] p50, p90, p99 (NaN: none completed)
    std::vector<std::array<std::uint32_t, kStatusClasses>> statusPerBucket;  // [bucket][StatusClass]

    struct PodRow {
        std::uint32_t series = 0;
        std::uint64_t requests = 0, errors = 0;  // errors: answers ≥ 400, Pod queue full included
        double p50Ms = 0, p99Ms = 0;  // NaN when none completed
    };
    std::vector<PodRow> pods;  // one per series
    struct ServiceRow {
        std::string name;  // "ns/name", or the engine's "(none: the controller answered)"
        std::uint64_t requests = 0, canary = 0;
    };
    std::vector<ServiceRow> services;  // sorted by name

    // The first kSamplesPerSeries requests of each series in each bucket, by bucket.
    std::vector<std::shared_ptr<const ReplaySamples>> samples;

    bool finished = false;
    std::string error;  // why the replay could not start (no such trace, bad scenario)
    std::shared_ptr<const replay::ReplayResult> result;  // the engine's, in the final snapshot

    std::size_t buckets() const { return latencyMs.size(); }
    // Samples in `bucket`, of one series (or all with series < 0).
    std::vector<const ReplaySample*> samplesIn(std::size_t bucket, int series = -1) const;
};

// Folds a replay's observations into buckets; single-threaded (the worker's).
class ReplayStats {
public:
    // Memory stays bounded whatever the trace's length: at most kMaxBuckets buckets (the width
    // doubles, merging pairs, beyond) and kSamplesPerSeries samples per series in each.
    static constexpr std::size_t kSamplesPerSeries = 10;
    static constexpr std::size_t kMaxBuckets = 240;

    explicit ReplayStats(std::int64_t bucketNs);
    void request(const trace::TraceRecord& rec, const sim::Decision& d, std::int64_t atNs, bool rejected);
    void completed(const std::string& pod, std::int64_t atNs, std::int64_t latencyNs);
    void problem(const std::string& what);
    void setLines(std::uint64_t lines, std::uint64_t total) { lines_ = lines, total_ = total; }
    std::shared_ptr<ReplaySnapshot> snapshot() const;

private:
    struct Series {
        std::string name, service;
        std::vector<std::uint32_t> perBucket;
        std::uint64_t requests = 0, errors = 0;
        replay::LatencyHistogram latency;
    };
    struct Bucket {
        replay::LatencyHistogram latency;
        std::array<std::uint32_t, kStatusClasses> status{};
        std::shared_ptr<ReplaySamples> samples = std::make_shared<ReplaySamples>();
        std::vector<std::uint16_t> sampled;  // per series
    };
    std::size_t bucketAt(std::int64_t atNs);
    std::uint32_t seriesOf(const std::string& key, const std::string& service);

    std::int64_t bucketNs_;
    std::vector<Bucket> buckets_;
    std::vector<Series> series_;
    std::unordered_map<std::string, std::uint32_t> seriesIndex_;
    std::unordered_map<std::string, std::pair<std::uint64_t, std::uint64_t>> services_;  // requests, canary
    std::uint64_t requests_ = 0, lines_ = 0, total_ = 0, problems_ = 0;
    std::vector<std::string> firstProblems_;
    std::string key_;
};

struct ReplayJob {
    std::string tracePath;
    std::string scenarioPath;  // empty = the default Pod model
    std::shared_ptr<const sim::RouteTable> table;
    sim::ProfileOptions profile;  // recompiles after scenario events
    std::string clusterName;
    std::uint64_t seed = 1;
    double speed = 1.0;
    bool backToBack = false;
    std::int64_t bucketNs = 1'000'000'000;  // the first width; doubles to keep ≤ kMaxBuckets buckets
    std::shared_ptr<std::atomic<bool>> cancel;  // set from any thread
};

// Runs replays on the thread it lives on (ReplayPanel moves it to a QThread named "hs-replay").
class ReplayWorker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    // Blocks the worker thread until the replay ends or job.cancel is set. Emits progressed()
    // about every 100 ms and done() once. `generation` tells the panel's runs apart.
    void run(quint64 generation, const ReplayJob& job);

signals:
    void progressed(quint64 generation, std::shared_ptr<const hs::gui::ReplaySnapshot> snapshot);
    void done(quint64 generation, std::shared_ptr<const hs::gui::ReplaySnapshot> snapshot, bool completed);
};

}  // namespace hs::gui
