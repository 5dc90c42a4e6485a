#include "simulator/replay/engine.h"

#include "model/json_writer.h"
#include "simulator/nginx/nginx_table.h"
#include "simulator/replay/cluster_edit.h"
#include "simulator/replay/detail/fast_hash.h"
#include "simulator/replay/host_inference.h"
#include "simulator/replay/nginx_log_model.h"
#include "simulator/replay/verify.h"
#include "simulator/trace/time_parse.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <deque>
#include <limits>
#include <ostream>
#include <unordered_map>

namespace hs::replay {

namespace {
__extension__ typedef __int128 I128;
}

std::uint64_t choiceKeyFor(std::uint64_t seed, std::uint64_t line) {
    // splitmix64 of (seed, line): independent keys per line, never 0
    std::uint64_t z = seed * 0x9e3779b97f4a7c15ULL + line + 0x632be59bd9b4e019ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z | 1;
}

namespace {

// Length of the valid UTF-8 sequence at s[i], 0 when invalid.
std::size_t utf8Len(std::string_view s, std::size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if (n == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))) return 0;  // overlong, surrogates
    if (n == 4 && ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))) return 0;
    return n;
}

}  // namespace

void repairUtf8(std::string& text) {
    if (simdjson::validate_utf8(text.data(), text.size())) return;
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = utf8Len(text, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(text, i, n);
            i += n;
        }
    }
    text.swap(out);
}

void appendJsonString(std::string& out, std::string_view s) {
    std::size_t start = out.size();
    model::JsonWriter::escape(out, s);
    if (!simdjson::validate_utf8(out.data() + start, out.size() - start)) {
        std::string tail = out.substr(start);
        out.resize(start);
        repairUtf8(tail);
        out += tail;
    }
}

namespace {

// "expected `x` at column 12" → "expected `…` at column N": groups reasons without the details.
std::string reasonClass(std::string_view why) {
    std::string out;
    bool inQuote = false;
    for (std::size_t i = 0; i < why.size(); ++i) {
        char c = why[i];
        if (c == '`') {
            if (!inQuote) out += "`…`";
            inQuote = !inQuote;
            continue;
        }
        if (inQuote) continue;
        if (c >= '0' && c <= '9') {
            if (out.empty() || out.back() != 'N') out.push_back('N');
            while (i + 1 < why.size() && why[i + 1] >= '0' && why[i + 1] <= '9') ++i;
            continue;
        }
        out.push_back(c);
    }
    return out;
}

class Interner {
public:
    std::uint32_t id(std::string_view s) {
        auto it = map_.find(s);
        if (it != map_.end()) return it->second;
        auto id = static_cast<std::uint32_t>(names_.size());
        names_.emplace_back(s);
        map_.emplace(std::string(s), id);
        return id;
    }
    const std::string& name(std::uint32_t id) const { return names_[id]; }
    std::size_t size() const { return names_.size(); }

private:
    detail::StringMap<std::uint32_t> map_;
    std::vector<std::string> names_;
};

struct Pod {
    PodReport report;
    Distribution dist;
    std::uint32_t inFlight = 0;
    std::deque<std::uint32_t> queue;  // slots waiting
};

struct Slot {
    std::int64_t arrival = 0, start = 0;
    std::uint32_t pod = 0, route = 0;
    std::string clientIP;  // only when connections are tracked (limit-connections)
};

// What one (ingress, service, upstream, endpoint, pod) combination maps to.
struct Route {
    std::uint32_t ingress = 0, service = 0, pod = UINT32_MAX;
    // the route's names: upstream, endpoint, Ingress, Service (what observe, requestStarted/
    // Finished and verify read)
    sim::Decision observed;
};

struct Event {
    std::int64_t t;
    std::uint64_t seq;
    std::uint32_t slot;
    bool operator>(const Event& o) const { return t != o.t ? t > o.t : seq > o.seq; }
};

struct PendingEvent {
    std::int64_t traceNs;  // when, in trace time
    const ScenarioEvent* event;
};

constexpr std::size_t kBatch = 4096;
constexpr std::int64_t kNoTimeGap = 1'000'000;  // lines without a time: 1 ms apart
constexpr std::size_t kMaxBuckets = 20000;

class Engine {
public:
    Engine(trace::TraceReader& reader, std::shared_ptr<const sim::RouteTable> table, const ReplayOptions& opt)
        : reader_(reader), opt_(opt), table_(std::move(table)), rng_(opt.seed ^ 0x5eed5eed5eedULL) {
        state_ = std::shared_ptr<const model::ClusterState>(table_, &table_->state());
        session_ = table_->newSession(opt_.seed);
        batch_.resize(kBatch);
        bucketNs_ = std::max<std::int64_t>(opt_.bucketNs, 1'000'000);
        speedMicro_ = static_cast<std::int64_t>(std::max(opt_.speed, 1e-6) * 1e6 + 0.5);
        fields_ = reader_.fields();
        bool wantVerify = opt_.verify == ReplayOptions::Verify::On ||
            (opt_.verify == ReplayOptions::Verify::Auto && (fields_.upstream || fields_.upstreamAddr));
        verifyActive_ = wantVerify && table_->profile() == sim::Profile::IngressNginx;
        describe_ = opt_.decisions != nullptr || static_cast<bool>(opt_.onRequest);
        if (opt_.verify == ReplayOptions::Verify::On && table_->profile() != sim::Profile::IngressNginx)
            res_.notes.push_back("verify compares with ingress-nginx logs: it needs --profile ingress-nginx");
        if (verifyActive_) verifier_ = std::make_unique<Verifier>(fields_, reader_.name(), opt_.maxExamples);
        rebuildForTable();
        if (opt_.scenario) {
            for (const auto& [pattern, s] : opt_.scenario->pods)
                if (s.serviceTime) podTimes_.emplace_back(pattern, *s.serviceTime);
        }
    }

    ReplayResult run();

private:
    void rebuildForTable() {
        if (hosts_) retiredHosts_.push_back(std::move(hosts_));  // keeps its statistics
        model_ = std::make_unique<NginxLogModel>(*table_);
        if (model_->valid())  // hosts (unless --host gives them) and schemes the log does not record
            hosts_ = std::make_unique<HostInference>(table_, *model_);
        else
            hosts_.reset();
        if (verifier_) verifier_->setModel(model_.get());
        trackConnections_ = true;
        if (auto cfg = sim::nginx::configOf(*table_)) {
            trackConnections_ =
                std::any_of(cfg->ingresses.begin(), cfg->ingresses.end(),
                            [](const sim::nginx::IngressInfo& i) { return i.ann.limitConnections > 0; });
        }
        routeKeys_.clear();  // keys are looked up again against the new table's decisions
        routeOfKey_.clear();
        refRoutes_.clear();
        byRef_.clear();
    }

    void problem(const std::string& what) {
        if (opt_.onProblem) opt_.onProblem(what);
    }

    void account(trace::TraceRecord& rec) {
        auto& rows = rec.kind == trace::TraceRecord::Kind::Bad ? badRows_ : skippedRows_;
        (rec.kind == trace::TraceRecord::Kind::Bad ? res_.bad : res_.skipped)++;
        std::string cls = reasonClass(rec.why);
        auto it = rows.find(cls);
        if (it == rows.end()) {
            if (rows.size() >= 200) cls = "(other reasons)";
            it = rows.find(cls);
            if (it == rows.end())
                it = rows.emplace(cls,
                                  ReasonRow{cls, 0, reader_.name() + ":" + std::to_string(rec.line) + ": " + rec.why})
                         .first;
        }
        ++it->second.count;
        if (rec.kind == trace::TraceRecord::Kind::Bad) {
            problem(reader_.name() + ":" + std::to_string(rec.line) + ": " + rec.why);
            if (opt_.strict) stop_ = res_.stoppedByStrict = true;
        }
    }

    // Reads the next group of requests that share a timestamp; false at the end of the trace.
    bool nextBatch();
    std::int64_t simTime(std::int64_t traceNs) const {
        if (speedMicro_ == 1'000'000) return traceNs;  // --speed 1: no 128-bit division per request
        return t0_ + static_cast<std::int64_t>(static_cast<I128>(traceNs - t0_) * 1'000'000 / speedMicro_);
    }

    void arrive(trace::TraceRecord& rec, std::int64_t now);
    std::uint32_t routeFor();
    // The route key of d_: upstream, endpoint, Ingress (and the Service when no upstream),
    // separated by '\x1f', in key_ (reused: no allocation once grown). Valid until the next call.
    std::string_view routeKey() {
        key_.assign(d_.upstream).append(1, '\x1f').append(d_.endpoint).append(1, '\x1f').append(d_.ingress);
        if (d_.upstream.empty()) key_.append(1, '\x1f').append(d_.service);
        return key_;
    }
    void complete(const Event& e);
    void startService(Pod& pod, std::uint32_t podIdx, std::uint32_t slot, std::int64_t now);
    std::uint32_t podFor(std::string_view key, std::string_view service);
    PodReport::Bucket& bucket(Pod& p, std::int64_t now);
    void applyEvents(std::int64_t traceNs, std::uint64_t line, std::int64_t simNow);
    void applyEvent(const ScenarioEvent& e, std::int64_t simNow, std::uint64_t line, bool replaying);
    void writeDecision(const trace::TraceRecord& rec, const sim::Decision& d, std::int64_t now);

    trace::TraceReader& reader_;
    const ReplayOptions& opt_;
    std::shared_ptr<const sim::RouteTable> table_;
    std::shared_ptr<const model::ClusterState> state_;
    std::unique_ptr<sim::RouteSession> session_;
    std::unique_ptr<NginxLogModel> model_;
    std::unique_ptr<HostInference> hosts_;
    bool schemeSwitched_ = false;  // the current request's scheme was switched (HostInference::inferScheme)
    std::vector<std::unique_ptr<HostInference>> retiredHosts_;  // of tables replaced by scenario events
    std::unique_ptr<Verifier> verifier_;
    trace::FormatFields fields_;
    bool verifyActive_ = false;
    bool trackConnections_ = true;
    // RouteOptions::describe: only the decision log and onRequest read the Decision's descriptive
    // fields (the summary, verify and the Pod model do not)
    bool describe_ = true;
    sim::Rng rng_;
    double spare_ = std::numeric_limits<double>::quiet_NaN();  // Distribution::sample's second normal

    ReplayResult res_;
    std::map<std::string, ReasonRow> badRows_, skippedRows_;
    bool stop_ = false;
    bool rejected_ = false;  // the last arrival found its Pod's queue full

    // arrivals
    std::vector<trace::TraceRecord> batch_;
    std::vector<std::int64_t> arrivals_;
    std::size_t batchSize_ = 0;
    std::size_t lookSlot_ = 0;
    bool haveLookahead_ = false, eof_ = false;
    bool haveT0_ = false;
    std::int64_t t0_ = 0;  // trace time of the first request
    std::int64_t lastTrace_ = 0;  // trace time of the previous request
    std::int64_t lastArrival_ = 0;  // simulated time of the previous arrival
    std::int64_t speedMicro_ = 1'000'000;
    std::uint64_t backToBack_ = 0;

    // simulation
    std::vector<Event> heap_;
    std::uint64_t seq_ = 0;
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> freeSlots_;
    std::vector<Pod> pods_;
    detail::FlatIndex podIds_;  // ids are indexes into pods_
    std::vector<Route> routes_;
    detail::FlatIndex routeKeys_;  // (ingress, service, upstream, endpoint, pod) of this table
    std::vector<std::uint32_t> routeOfKey_;  // routeKeys_ id → routes_ index
    // Decisions with a routeRef (proxied by ingress-nginx): ref → its route and the upstream the
    // log model says nginx logs for it, found once per ref instead of by name per request
    struct RefRoute {
        std::uint32_t route = 0;
        const NginxLogModel::UpstreamInfo* logged = nullptr;
    };
    std::vector<RefRoute> refRoutes_;
    detail::IdMap byRef_;  // routeRef → refRoutes_ index
    Interner ingresses_, services_;
    std::vector<CountRow> ingressCounts_, serviceCounts_;
    std::array<std::uint64_t, 1000> statusCounts_{};
    std::uint64_t proxied_ = 0;
    std::int64_t bucketNs_ = 10 * kSec;
    std::size_t bucketIdx_ = 0;
    std::int64_t bucketFrom_ = 0, bucketTo_ = 0;  // the last bucket looked up
    std::int64_t simEnd_ = 0;
    std::vector<std::pair<std::string, Distribution>> podTimes_;  // ServiceTime events and pod settings, in order

    // scenario
    std::vector<PendingEvent> pending_;
    std::size_t nextEvent_ = 0;
    std::vector<const ScenarioEvent*> podEvents_;  // applied Pod-level events (re-applied after `apply`)

    // scratch
    sim::Decision d_;
    sim::Request finReq_;
    std::string key_, line_;
    model::JsonWriter jw_;
};

bool Engine::nextBatch() {
    // Records are read straight into their batch slot; only the one that starts the next batch
    // (read last time, left in its slot) moves to slot 0: one swap per batch, not per record.
    batchSize_ = 0;
    if (haveLookahead_) {
        if (lookSlot_ != 0) std::swap(batch_[0], batch_[lookSlot_]);
        batchSize_ = 1;
        haveLookahead_ = false;
    }
    const std::int64_t res = reader_.timeResolutionNs();
    while (!eof_ && !stop_ && batchSize_ < kBatch) {
        if (opt_.cancel && opt_.cancel->load(std::memory_order_relaxed)) {
            stop_ = res_.cancelled = true;
            break;
        }
        trace::TraceRecord& rec = batch_[batchSize_];
        if (!reader_.next(rec)) {
            eof_ = true;
            break;
        }
        ++res_.lines;
        if (opt_.progress && (res_.lines & 0xFFFF) == 0 && !opt_.progress({res_.lines, lastArrival_ - t0_})) {
            stop_ = res_.cancelled = true;
        }
        if (rec.kind != trace::TraceRecord::Kind::Request) {
            account(rec);
            continue;
        }
        // trace time, never going back
        std::int64_t t;
        if (rec.hasTime) {
            t = rec.request.timeNs;
            if (haveT0_ && t < lastTrace_) {
                ++res_.outOfOrder;
                res_.outOfOrderMaxNs = std::max(res_.outOfOrderMaxNs, lastTrace_ - t);
                std::string msg = reader_.name() + ":" + std::to_string(rec.line) + ": timestamp " +
                    trace::formatIso8601Ms(t) + " is " + formatDuration(lastTrace_ - t) +
                    " before the previous request's: replayed at the previous request's time";
                if (res_.outOfOrderExamples.size() < opt_.maxExamples) res_.outOfOrderExamples.push_back(msg);
                problem(msg);
                t = lastTrace_;
            }
        } else {
            t = haveT0_ ? lastTrace_ + kNoTimeGap : 0;
        }
        if (!haveT0_) {
            haveT0_ = true;
            t0_ = t;
            lastArrival_ = t;
            res_.firstTraceNs = t;
        }
        lastTrace_ = t;
        rec.request.timeNs = t;
        // A batch holds requests of one timestamp when it has to be spread (coarse resolution);
        // otherwise any requests in order.
        if (batchSize_ == 0 || res <= 1 || opt_.backToBack || t == batch_[0].request.timeNs) {
            ++batchSize_;
            continue;
        }
        haveLookahead_ = true;
        lookSlot_ = batchSize_;
        break;
    }
    if (batchSize_ == 0) return false;
    // arrival times
    arrivals_.resize(batchSize_);
    if (opt_.backToBack) {
        for (std::size_t i = 0; i < batchSize_; ++i) arrivals_[i] = t0_ + static_cast<std::int64_t>(backToBack_++);
    } else {
        std::int64_t t = batch_[0].request.timeNs;
        if (batchSize_ == 1 || res <= 1 || batch_[batchSize_ - 1].request.timeNs != t) {
            for (std::size_t i = 0; i < batchSize_; ++i) arrivals_[i] = simTime(batch_[i].request.timeNs);
        } else {
            // spread over [t, t + resolution), after anything already placed in it
            std::int64_t from = std::max(simTime(t), lastArrival_);
            std::int64_t to = std::max(simTime(t + res), from);
            // from + floor((to - from) * i / n) for i = 0..n-1, by steps (a quotient and a running
            // remainder: no 128-bit division per request)
            const auto n = static_cast<std::int64_t>(batchSize_);
            const std::int64_t span = to - from, q = span / n, r = span % n;
            std::int64_t at = from, rem = 0;
            for (std::size_t i = 0; i < batchSize_; ++i) {
                arrivals_[i] = at;
                at += q;
                rem += r;
                if (rem >= n) {
                    rem -= n;
                    ++at;
                }
            }
        }
        for (std::size_t i = 0; i < batchSize_; ++i) arrivals_[i] = std::max(arrivals_[i], lastArrival_);
    }
    lastArrival_ = arrivals_[batchSize_ - 1];
    return true;
}

std::uint32_t Engine::podFor(std::string_view key, std::string_view service) {
    std::uint32_t known = podIds_.find(key);
    if (known != detail::FlatIndex::kNone) return known;
    Pod p;
    p.report.name = std::string(key);
    p.report.service = std::string(service);
    const Scenario* sc = opt_.scenario;
    Distribution dist = sc ? sc->defaultServiceTime : Distribution{};
    int conc = sc ? sc->defaultConcurrency : 32;
    int queue = sc ? sc->defaultQueueLimit : 1024;
    if (sc) {
        for (const auto& [pattern, s] : sc->services)
            if (globMatch(pattern, service)) {
                if (s.serviceTime) dist = *s.serviceTime;
                if (s.concurrency) conc = *s.concurrency;
                if (s.queueLimit) queue = *s.queueLimit;
            }
        for (const auto& [pattern, s] : sc->pods)
            if (globMatch(pattern, key)) {
                if (s.concurrency) conc = *s.concurrency;
                if (s.queueLimit) queue = *s.queueLimit;
            }
    }
    for (const auto& [pattern, d] : podTimes_)
        if (globMatch(pattern, key)) dist = d;
    p.dist = dist;
    p.report.concurrency = conc;
    p.report.queueLimit = queue;
    pods_.push_back(std::move(p));
    return podIds_.insert(key);  // == pods_.size() - 1
}

// The route of d_ by its names (the route key), created on first sight.
std::uint32_t Engine::routeFor() {
    const std::string_view key = routeKey();
    if (std::uint32_t keyId = routeKeys_.find(key); keyId != detail::FlatIndex::kNone) return routeOfKey_[keyId];
    Route rt;
    rt.ingress = ingresses_.id(d_.ingress.empty() ? std::string_view("(none)") : std::string_view(d_.ingress));
    rt.service = services_.id(d_.service.empty() ? std::string_view("(none: the controller answered)")
                                                 : std::string_view(d_.service));
    if (ingressCounts_.size() < ingresses_.size()) ingressCounts_.resize(ingresses_.size());
    if (serviceCounts_.size() < services_.size()) serviceCounts_.resize(services_.size());
    rt.observed.upstream = d_.upstream;
    rt.observed.endpoint = d_.endpoint;
    rt.observed.ingress = d_.ingress;
    rt.observed.service = d_.service;
    if (!d_.endpoint.empty())
        rt.pod = podFor(d_.pod.empty() ? std::string_view(d_.endpoint) : std::string_view(d_.pod), d_.service);
    const auto routeId = static_cast<std::uint32_t>(routes_.size());
    routes_.push_back(std::move(rt));
    routeKeys_.insert(key);
    routeOfKey_.push_back(routeId);
    return routeId;
}

PodReport::Bucket& Engine::bucket(Pod& p, std::int64_t now) {
    std::size_t i;
    if (now >= bucketFrom_ && now < bucketTo_) {
        i = bucketIdx_;  // times move forward: almost always the bucket of the previous call
    } else {
        i = static_cast<std::size_t>(std::max<std::int64_t>(0, now - t0_) / bucketNs_);
        bucketIdx_ = i;
        bucketFrom_ = t0_ + static_cast<std::int64_t>(i) * bucketNs_;
        bucketTo_ = bucketFrom_ + bucketNs_;
        if (now < t0_) bucketFrom_ = INT64_MIN;
    }
    while (i >= kMaxBuckets) {
        // a very long trace: double the width for every Pod (merging pairs)
        bucketNs_ *= 2;
        for (auto& pod : pods_) {
            auto& s = pod.report.series;
            std::vector<PodReport::Bucket> merged((s.size() + 1) / 2);
            for (std::size_t k = 0; k < s.size(); ++k) {
                auto& m = merged[k / 2];
                m.requests += s[k].requests;
                m.completed += s[k].completed;
                m.rejected += s[k].rejected;
                m.latencySumNs += s[k].latencySumNs;
                m.maxInFlight = std::max(m.maxInFlight, s[k].maxInFlight);
                m.maxQueue = std::max(m.maxQueue, s[k].maxQueue);
            }
            s.swap(merged);
        }
        i = static_cast<std::size_t>(std::max<std::int64_t>(0, now - t0_) / bucketNs_);
        bucketIdx_ = i;
        bucketFrom_ = t0_ + static_cast<std::int64_t>(i) * bucketNs_;
        bucketTo_ = bucketFrom_ + bucketNs_;
    }
    auto& s = p.report.series;
    if (s.size() <= i) s.resize(i + 1);
    return s[i];
}

void Engine::startService(Pod& pod, std::uint32_t podIdx, std::uint32_t slot, std::int64_t now) {
    Slot& s = slots_[slot];
    s.start = now;
    ++pod.inFlight;
    pod.report.maxInFlight = std::max(pod.report.maxInFlight, pod.inFlight);
    auto& b = bucket(pod, now);
    b.maxInFlight = std::max(b.maxInFlight, pod.inFlight);
    std::int64_t service = pod.dist.sample(rng_, spare_);
    heap_.push_back({now + service, seq_++, slot});
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    (void)podIdx;
}

void Engine::complete(const Event& e) {
    Slot& s = slots_[e.slot];
    Pod& pod = pods_[s.pod];
    --pod.inFlight;
    std::int64_t latency = e.t - s.arrival;
    pod.report.busyNs += e.t - s.start;
    ++pod.report.completed;
    pod.report.latency.add(latency);
    res_.latency.add(latency);
    if (opt_.onCompleted) opt_.onCompleted(pod.report.name, e.t - t0_, latency);
    auto& b = bucket(pod, e.t);
    ++b.completed;
    b.latencySumNs += latency;
    simEnd_ = std::max(simEnd_, e.t);
    const Route& rt = routes_[s.route];
    if (!rt.observed.upstream.empty()) {
        session_->observe(rt.observed, static_cast<double>(latency) / 1e9, static_cast<double>(e.t) / 1e9);
        if (trackConnections_) {
            finReq_.clientIP = s.clientIP;
            session_->requestFinished(rt.observed, finReq_);
        }
    }
    freeSlots_.push_back(e.slot);
    if (!pod.queue.empty()) {
        std::uint32_t next = pod.queue.front();
        pod.queue.pop_front();
        startService(pod, s.pod, next, e.t);
    }
}

void Engine::arrive(trace::TraceRecord& rec, std::int64_t now) {
    ++res_.requests;
    rejected_ = false;
    sim::Request& r = rec.request;
    const std::int64_t traceNs = r.timeNs;
    if (!rec.hasHost) {
        if (!opt_.host.empty()) {
            r.host = opt_.host;
            ++res_.hostsGiven;
        } else if (hosts_) {
            hosts_->infer(rec);
        }
    }
    schemeSwitched_ = hosts_ && hosts_->inferScheme(rec);
    r.timeNs = now;
    sim::RouteOptions ro;
    ro.explain = false;
    ro.choiceKey = choiceKeyFor(opt_.seed, rec.line);
    ro.describe = describe_;
    ro.names = describe_;  // else a proxied route is named once, when first seen (RefRoute)
    session_->route(r, d_, ro);
    ++res_.outcomes[static_cast<std::size_t>(d_.outcome)];
    if (opt_.decisions) writeDecision(rec, d_, now);
    (void)traceNs;

    // counts per Ingress, Service, Pod: one lookup for the whole combination (the upstream names
    // the Service, the endpoint the Pod), by routeRef when the router gives one
    std::uint32_t routeId;
    if (d_.routeRef) {
        std::uint32_t known = byRef_.find(d_.routeRef);
        if (known == detail::IdMap::kNone) {
            if (!ro.names) session_->nameRoute(d_.routeRef, d_);  // the one time this route is named
            known = static_cast<std::uint32_t>(refRoutes_.size());
            refRoutes_.push_back({routeFor(), model_->valid() ? model_->loggedUpstream(r, d_) : nullptr});
            byRef_.insert(d_.routeRef, known);
        }
        const RefRoute& rr = refRoutes_[known];
        routeId = rr.route;
        if (verifier_) verifier_->check(rec, d_, routes_[routeId].observed, rr.logged);
    } else {
        routeId = routeFor();
        if (verifier_) verifier_->check(rec, d_);
    }

    const Route& rt = routes_[routeId];
    ++ingressCounts_[rt.ingress].requests;
    ++serviceCounts_[rt.service].requests;
    if (d_.canary) ++serviceCounts_[rt.service].canary;

    if (!d_.routeRef && d_.endpoint.empty()) {  // the controller answered
        if (d_.status > 0 && d_.status < 1000) ++statusCounts_[static_cast<std::size_t>(d_.status)];
        simEnd_ = std::max(simEnd_, now);
        return;
    }
    Pod& pod = pods_[rt.pod];
    ++pod.report.requests;
    auto& b = bucket(pod, now);
    ++b.requests;
    if (pod.inFlight >= static_cast<std::uint32_t>(pod.report.concurrency) &&
        pod.queue.size() >= static_cast<std::size_t>(pod.report.queueLimit)) {
        ++pod.report.rejected;
        rejected_ = true;
        ++b.rejected;
        ++res_.rejected;
        simEnd_ = std::max(simEnd_, now);
        return;
    }
    ++proxied_;
    std::uint32_t slot;
    if (!freeSlots_.empty()) {
        slot = freeSlots_.back();
        freeSlots_.pop_back();
    } else {
        slot = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    Slot& s = slots_[slot];
    s.arrival = now;
    s.pod = rt.pod;
    s.route = routeId;
    if (trackConnections_) {
        s.clientIP = r.clientIP;
        session_->requestStarted(rt.observed, r);
    }
    if (pod.inFlight < static_cast<std::uint32_t>(pod.report.concurrency)) {
        startService(pod, rt.pod, slot, now);
    } else {
        pod.queue.push_back(slot);
        auto q = static_cast<std::uint32_t>(pod.queue.size());
        pod.report.maxQueue = std::max(pod.report.maxQueue, q);
        b.maxQueue = std::max(b.maxQueue, q);
    }
}

void Engine::writeDecision(const trace::TraceRecord& rec, const sim::Decision& d, std::int64_t now) {
    const sim::Request& r = rec.request;
    line_.assign("{\"line\":");
    line_ += std::to_string(rec.line);
    line_ += ",\"t\":";
    line_ += std::to_string(now - t0_);
    line_ += ",\"request\":{\"method\":";
    appendJsonString(line_, r.method);
    line_ += ",\"url\":";
    key_.assign(r.scheme).append("://").append(r.host).append(r.target);
    appendJsonString(line_, key_);
    line_ += ",\"client\":";
    appendJsonString(line_, r.clientIP);
    if (!rec.hasHost) line_ += r.host.empty() ? ",\"host\":\"none\"" : ",\"host\":\"inferred\"";
    if (schemeSwitched_) line_ += ",\"scheme\":\"inferred\"";
    line_ += "},\"decision\":";
    jw_.clear();
    sim::writeDecisionJson(jw_, d, false);
    std::size_t at = line_.size();
    line_ += jw_.str();
    if (!simdjson::validate_utf8(line_.data() + at, line_.size() - at)) {
        std::string tail = line_.substr(at);
        line_.resize(at);
        repairUtf8(tail);
        line_ += tail;
    }
    line_ += "}\n";
    opt_.decisions->write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

void Engine::applyEvent(const ScenarioEvent& e, std::int64_t simNow, std::uint64_t line, bool replaying) {
    EventReport rep;
    rep.atNs = simNow - t0_;
    rep.beforeLine = line;
    rep.what = e.describe();
    if (e.kind == ScenarioEvent::Kind::ServiceTime) {
        podTimes_.emplace_back(e.target, e.serviceTime);
        std::size_t n = 0;
        for (auto& p : pods_)
            if (globMatch(e.target, p.report.name)) {
                p.dist = e.serviceTime;
                ++n;
            }
        rep.effect = std::to_string(n) + " Pod model(s) changed (Pods seen later follow too)";
        res_.events.push_back(std::move(rep));
        return;
    }
    EditResult r = applyClusterEvent(*state_, e);
    if (!r.state) {
        rep.error = r.error;
        if (!replaying) {
            problem(e.loc.fileName() + ":" + std::to_string(e.loc.line) + ": scenario event not applied: " + r.error);
            res_.events.push_back(std::move(rep));
        }
        return;
    }
    auto table = sim::compileRouteTable(r.state, opt_.profile);
    if (!table) {
        rep.error = std::string("profile ") + sim::profileName(opt_.profile.profile) + " is not available";
        res_.events.push_back(std::move(rep));
        return;
    }
    state_ = r.state;
    session_ = table->continueSession(*session_, opt_.seed);
    table_ = std::move(table);
    rebuildForTable();
    bool podLevel = e.kind == ScenarioEvent::Kind::PodUnready || e.kind == ScenarioEvent::Kind::PodReady ||
        e.kind == ScenarioEvent::Kind::PodDeleted || e.kind == ScenarioEvent::Kind::PodAdded ||
        e.kind == ScenarioEvent::Kind::Scale || e.kind == ScenarioEvent::Kind::CanaryWeight;
    if (replaying) return;
    rep.effect = r.effect;
    res_.events.push_back(std::move(rep));
    if (podLevel) podEvents_.push_back(&e);
    if (e.kind == ScenarioEvent::Kind::Apply) {
        // Synthetic Pods were derived anew: earlier Pod events apply again.
        for (const ScenarioEvent* pe : podEvents_) applyEvent(*pe, simNow, line, true);
    }
}

void Engine::applyEvents(std::int64_t traceNs, std::uint64_t line, std::int64_t simNow) {
    while (nextEvent_ < pending_.size() && pending_[nextEvent_].traceNs <= traceNs) {
        applyEvent(*pending_[nextEvent_].event, simNow, line, false);
        ++nextEvent_;
    }
}

ReplayResult Engine::run() {
    res_.trace = reader_.name();
    res_.format = trace::formatName(reader_.format());
    res_.compressed = reader_.compressed();
    res_.profile = sim::profileName(table_->profile());
    res_.cluster = opt_.clusterName;
    res_.seed = opt_.seed;
    res_.speed = opt_.speed;
    res_.backToBack = opt_.backToBack;
    for (auto& n : reader_.notes()) res_.notes.push_back(n);
    if (!fields_.host && !opt_.host.empty()) res_.notes.push_back("requests without a host use --host " + opt_.host);

    bool first = true;
    while (!stop_ && nextBatch()) {
        if (first) {
            first = false;
            if (opt_.scenario) {
                for (const auto& e : opt_.scenario->events)
                    pending_.push_back({e.absolute ? e.atNs : t0_ + e.atNs, &e});
                std::stable_sort(pending_.begin(), pending_.end(),
                                 [](const PendingEvent& a, const PendingEvent& b) { return a.traceNs < b.traceNs; });
            }
        }
        for (std::size_t i = 0; i < batchSize_; ++i) {
            std::int64_t now = arrivals_[i];
            while (!heap_.empty() && heap_.front().t <= now) {
                std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
                Event e = heap_.back();
                heap_.pop_back();
                complete(e);
            }
            trace::TraceRecord& rec = batch_[i];
            if (nextEvent_ < pending_.size()) applyEvents(rec.request.timeNs, rec.line, now);
            res_.lastTraceNs = rec.request.timeNs;
            arrive(rec, now);
            if (opt_.onRequest) opt_.onRequest(rec, d_, now - t0_, rejected_);
        }
    }
    while (!heap_.empty()) {
        std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
        Event e = heap_.back();
        heap_.pop_back();
        complete(e);
    }
    for (; nextEvent_ < pending_.size(); ++nextEvent_) {
        EventReport rep;
        rep.atNs = pending_[nextEvent_].traceNs - t0_;
        rep.what = pending_[nextEvent_].event->describe();
        rep.error = "not reached: the trace ends before it";
        res_.events.push_back(std::move(rep));
    }

    // results
    res_.inputError = reader_.inputError();
    res_.simulatedNs = res_.requests ? std::max<std::int64_t>(0, simEnd_ - t0_) : 0;
    res_.bucketNs = bucketNs_;
    for (auto& [k, v] : badRows_) res_.badReasons.push_back(v);
    for (auto& [k, v] : skippedRows_) res_.skippedReasons.push_back(v);
    auto byCount = [](const ReasonRow& a, const ReasonRow& b) {
        return a.count != b.count ? a.count > b.count : a.reason < b.reason;
    };
    std::sort(res_.badReasons.begin(), res_.badReasons.end(), byCount);
    std::sort(res_.skippedReasons.begin(), res_.skippedReasons.end(), byCount);
    if (proxied_) res_.statuses["proxied"] = proxied_;
    if (res_.rejected) res_.statuses["503 (Pod queue full)"] = res_.rejected;
    for (std::size_t s = 0; s < statusCounts_.size(); ++s)
        if (statusCounts_[s]) res_.statuses[std::to_string(s)] = statusCounts_[s];
    for (std::uint32_t i = 0; i < ingresses_.size(); ++i)
        if (ingressCounts_[i].requests) res_.ingresses.push_back({ingresses_.name(i), ingressCounts_[i].requests, 0});
    for (std::uint32_t i = 0; i < services_.size(); ++i)
        if (serviceCounts_[i].requests)
            res_.services.push_back({services_.name(i), serviceCounts_[i].requests, serviceCounts_[i].canary});
    auto byName = [](const CountRow& a, const CountRow& b) { return a.name < b.name; };
    std::sort(res_.ingresses.begin(), res_.ingresses.end(), byName);
    std::sort(res_.services.begin(), res_.services.end(), byName);
    for (auto& p : pods_) {
        p.report.serviceTime = p.dist.describe();
        std::int64_t span = std::max<std::int64_t>(res_.simulatedNs, 1);
        std::size_t buckets = static_cast<std::size_t>((span + bucketNs_ - 1) / bucketNs_);
        if (p.report.series.size() < buckets) p.report.series.resize(buckets);
        res_.pods.push_back(std::move(p.report));
    }
    std::sort(res_.pods.begin(), res_.pods.end(),
              [](const PodReport& a, const PodReport& b) { return a.name < b.name; });
    if (hosts_) retiredHosts_.push_back(std::move(hosts_));
    for (const auto& h : retiredHosts_) res_.schemesSwitched += h->schemesSwitched();
    if (!fields_.host && opt_.host.empty()) {
        std::map<std::tuple<std::string, std::string, std::vector<std::string>>, std::uint64_t> merged;
        for (const auto& h : retiredHosts_) {
            for (const auto& st : h->stats()) merged[{st.upstream, st.host, st.alternatives}] += st.requests;
            res_.hostsInferred += h->inferred();
            res_.hostsAmbiguous += h->ambiguous();
            res_.hostsFailed += h->failed();
        }
        for (const auto& [k, n] : merged) res_.hosts.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), n});
    }
    if (verifier_) res_.verify = verifier_->report();
    return std::move(res_);
}

}  // namespace

ReplayResult replayTrace(trace::TraceReader& reader, std::shared_ptr<const sim::RouteTable> table,
                         const ReplayOptions& options) {
    Engine e(reader, std::move(table), options);
    return e.run();
}

}  // namespace hs::replay
