#include "app/gui/replay_worker.h"

#include "simulator/replay/engine.h"
#include "simulator/replay/scenario.h"
#include "simulator/trace/byte_source.h"
#include "simulator/trace/trace_reader.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

namespace hs::gui {

namespace {

constexpr std::size_t kFirstProblems = 8;
constexpr auto kSnapshotEvery = std::chrono::milliseconds(100);
const double kNaN = std::numeric_limits<double>::quiet_NaN();

double quantileMs(const replay::LatencyHistogram& h, double q) {
    return h.count() ? static_cast<double>(h.quantile(q)) / 1e6 : kNaN;
}

// Lines in the (decompressed) trace, for a determinate progress bar; 0 when unknown.
std::uint64_t countLines(const std::string& path, const std::atomic<bool>& cancel) {
    std::string error;
    auto src = trace::ByteSource::open(path, error);
    if (!src || path == "-") return 0;
    std::vector<char> buf(1 << 16);
    std::uint64_t lines = 0;
    char last = '\n';
    while (std::size_t n = src->read(buf.data(), buf.size())) {
        if (cancel.load(std::memory_order_relaxed)) return 0;
        for (const char* p = buf.data();
             (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(buf.data() + n - p)))); ++p)
            ++lines;
        last = buf[n - 1];
    }
    return lines + (last != '\n' ? 1 : 0);
}

}  // namespace

const char* statusClassName(StatusClass c) {
    switch (c) {
    case StatusClass::Proxied: return "proxied";
    case StatusClass::Redirect: return "3xx redirect";
    case StatusClass::ClientError: return "4xx";
    case StatusClass::ServerError: return "5xx";
    }
    return "?";
}

StatusClass statusClassOf(const sim::Decision& d, bool rejected) {
    if (rejected) return StatusClass::ServerError;
    if (d.status == 0) return StatusClass::Proxied;
    if (d.status < 400) return StatusClass::Redirect;
    if (d.status < 500) return StatusClass::ClientError;
    return StatusClass::ServerError;
}

std::vector<const ReplaySample*> ReplaySnapshot::samplesIn(std::size_t bucket, int seriesIndex) const {
    std::vector<const ReplaySample*> out;
    if (bucket >= samples.size() || !samples[bucket]) return out;
    for (const auto& s : *samples[bucket])
        if (seriesIndex < 0 || s.series == static_cast<std::uint32_t>(seriesIndex)) out.push_back(&s);
    return out;
}

ReplayStats::ReplayStats(std::int64_t bucketNs) : bucketNs_(std::max<std::int64_t>(bucketNs, 1'000'000)) {}

std::size_t ReplayStats::bucketAt(std::int64_t atNs) {
    auto i = static_cast<std::size_t>(std::max<std::int64_t>(atNs, 0) / bucketNs_);
    while (i >= kMaxBuckets) {
        // A long trace: double the width, merging pairs (samples: the first of each series).
        bucketNs_ *= 2;
        std::vector<Bucket> merged((buckets_.size() + 1) / 2);
        for (std::size_t k = 0; k < buckets_.size(); ++k) {
            Bucket& m = merged[k / 2];
            Bucket& b = buckets_[k];
            m.latency.merge(b.latency);
            for (std::size_t c = 0; c < kStatusClasses; ++c) m.status[c] += b.status[c];
            m.sampled.resize(series_.size());
            for (const auto& s : *b.samples)
                if (m.sampled[s.series] < kSamplesPerSeries) {
                    ++m.sampled[s.series];
                    m.samples->push_back(s);
                }
        }
        buckets_.swap(merged);
        for (auto& s : series_) {
            std::vector<std::uint32_t> m((s.perBucket.size() + 1) / 2);
            for (std::size_t k = 0; k < s.perBucket.size(); ++k) m[k / 2] += s.perBucket[k];
            s.perBucket.swap(m);
        }
        i = static_cast<std::size_t>(std::max<std::int64_t>(atNs, 0) / bucketNs_);
    }
    if (buckets_.size() <= i) buckets_.resize(i + 1);
    return i;
}

std::uint32_t ReplayStats::seriesOf(const std::string& key, const std::string& service) {
    auto it = seriesIndex_.find(key);
    if (it != seriesIndex_.end()) return it->second;
    auto id = static_cast<std::uint32_t>(series_.size());
    Series s;
    s.name = key;
    s.service = service;
    series_.push_back(std::move(s));
    seriesIndex_.emplace(key, id);
    return id;
}

void ReplayStats::request(const trace::TraceRecord& rec, const sim::Decision& d, std::int64_t atNs, bool rejected) {
    ++requests_;
    // The engine's own keys: the Pod, else the endpoint; requests no Pod served by outcome.
    if (!d.endpoint.empty())
        key_ = d.pod.empty() ? d.endpoint : d.pod;
    else
        key_.assign("(controller: ").append(sim::outcomeName(d.outcome)).append(")");
    const std::string& service = d.service.empty() ? std::string("(none: the controller answered)") : d.service;
    std::uint32_t si = seriesOf(key_, service);
    std::size_t bi = bucketAt(atNs);
    Series& s = series_[si];
    if (s.perBucket.size() <= bi) s.perBucket.resize(bi + 1);
    ++s.perBucket[bi];
    ++s.requests;
    StatusClass sc = statusClassOf(d, rejected);
    if (rejected || d.status >= 400) ++s.errors;
    Bucket& b = buckets_[bi];
    ++b.status[static_cast<std::size_t>(sc)];
    auto& svc = services_[service];
    ++svc.first;
    if (d.canary) ++svc.second;
    if (b.sampled.size() < series_.size()) b.sampled.resize(series_.size());
    if (b.sampled[si] < kSamplesPerSeries) {
        ++b.sampled[si];
        if (b.samples.use_count() > 1) b.samples = std::make_shared<ReplaySamples>(*b.samples);  // a snapshot holds it
        b.samples->push_back({rec.line, atNs, si, rejected, rec.request, d});
    }
}

void ReplayStats::completed(const std::string& pod, std::int64_t atNs, std::int64_t latencyNs) {
    std::size_t bi = bucketAt(atNs);
    buckets_[bi].latency.add(latencyNs);
    auto it = seriesIndex_.find(pod);
    if (it != seriesIndex_.end()) series_[it->second].latency.add(latencyNs);
}

void ReplayStats::problem(const std::string& what) {
    ++problems_;
    if (firstProblems_.size() < kFirstProblems) firstProblems_.push_back(what);
}

std::shared_ptr<ReplaySnapshot> ReplayStats::snapshot() const {
    auto s = std::make_shared<ReplaySnapshot>();
    s->bucketNs = bucketNs_;
    s->lines = lines_;
    s->totalLines = total_;
    s->requests = requests_;
    s->problemCount = problems_;
    s->firstProblems = firstProblems_;
    const std::size_t nb = buckets_.size();
    for (std::uint32_t i = 0; i < series_.size(); ++i) {
        const Series& x = series_[i];
        s->series.push_back(x.name);
        s->seriesService.push_back(x.service);
        auto per = x.perBucket;
        per.resize(nb);
        s->requestsPerBucket.push_back(std::move(per));
        s->pods.push_back({i, x.requests, x.errors, quantileMs(x.latency, 0.5), quantileMs(x.latency, 0.99)});
    }
    for (const auto& b : buckets_) {
        s->latencyMs.push_back({quantileMs(b.latency, 0.5), quantileMs(b.latency, 0.9), quantileMs(b.latency, 0.99)});
        s->statusPerBucket.push_back(b.status);
        s->samples.push_back(b.samples);  // shared: request() copies before writing to one held here
    }
    for (const auto& [name, n] : services_) s->services.push_back({name, n.first, n.second});
    std::sort(s->services.begin(), s->services.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return s;
}

void ReplayWorker::run(quint64 generation, const ReplayJob& job) {
    const std::atomic<bool>& cancel = *job.cancel;
    auto fail = [&](const std::string& why) {
        auto s = std::make_shared<ReplaySnapshot>();
        s->finished = true;
        s->error = why;
        emit done(generation, s, false);
    };
    if (!job.table) return fail("no routing table: load a cluster first");

    std::optional<replay::Scenario> scenario;
    std::vector<std::string> scenarioNotes;
    if (!job.scenarioPath.empty()) {
        auto sl = replay::loadScenario(job.scenarioPath);
        for (const auto& d : sl.diagnostics) scenarioNotes.push_back(d.format());
        if (!sl.scenario) {
            std::string why = "the scenario " + job.scenarioPath + " cannot be used";
            if (!scenarioNotes.empty()) why += ": " + scenarioNotes.front();
            return fail(why);
        }
        scenario = std::move(sl.scenario);
    }
    auto opened = trace::openTrace(job.tracePath, {});
    if (!opened.reader) return fail(opened.error);
    const std::uint64_t total = countLines(job.tracePath, cancel);

    ReplayStats stats(job.bucketNs);
    for (const auto& n : scenarioNotes) stats.problem(n);
    replay::ReplayOptions ro;
    ro.seed = job.seed;
    ro.speed = job.speed;
    ro.backToBack = job.backToBack;
    ro.scenario = scenario ? &*scenario : nullptr;
    ro.profile = job.profile;
    ro.clusterName = job.clusterName;
    ro.cancel = job.cancel.get();
    ro.onProblem = [&](const std::string& w) { stats.problem(w); };
    ro.onCompleted = [&](const std::string& pod, std::int64_t at, std::int64_t latency) {
        stats.completed(pod, at, latency);
    };
    auto last = std::chrono::steady_clock::now();
    std::uint64_t seen = 0;
    ro.onRequest = [&](const trace::TraceRecord& rec, const sim::Decision& d, std::int64_t at, bool rejected) {
        stats.request(rec, d, at, rejected);
        if ((++seen & 0x1FF) != 0) return;
        auto now = std::chrono::steady_clock::now();
        if (now - last < kSnapshotEvery) return;
        last = now;
        stats.setLines(rec.line, total);
        emit progressed(generation, stats.snapshot());
    };
    auto result = std::make_shared<replay::ReplayResult>(replay::replayTrace(*opened.reader, job.table, ro));
    stats.setLines(result->lines, total ? total : result->lines);
    auto s = stats.snapshot();
    s->finished = true;
    s->result = result;
    emit done(generation, s, !result->cancelled);
}

}  // namespace hs::gui
