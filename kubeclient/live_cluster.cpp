#include "kubeclient/live_cluster.h"

#include "kubeclient/status.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace hs::kube {

using SteadyClock = std::chrono::steady_clock;
using SysClock = std::chrono::system_clock;

const char* connectionStateName(ConnectionState s) {
    switch (s) {
    case ConnectionState::Connecting: return "connecting";
    case ConnectionState::Live: return "live";
    case ConnectionState::Reconnecting: return "reconnecting";
    case ConnectionState::Error: return "error";
    case ConnectionState::Stopped: return "stopped";
    }
    return "?";
}

namespace {

constexpr int kSecretsId = 0;

std::string keyOf(const std::string& ns, const std::string& name) { return ns + '/' + name; }

bool needsUser(const Error& e) {
    switch (e.code) {
    case ErrorCode::Unauthorized:
    case ErrorCode::Credentials:
    case ErrorCode::Tls:
    case ErrorCode::Config: return true;
    default: return false;
    }
}

}  // namespace

// Fetches referenced TLS Secrets by name on its own thread.
class SecretFetcher {
public:
    SecretFetcher(std::shared_ptr<ApiClient> client, ReflectorSink* sink) : client_(std::move(client)), sink_(sink) {}
    ~SecretFetcher() { stop(); }
    void start() {
        thread_ = std::thread([this] { run(); });
    }
    void stop() {
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
        }
        cancel_.cancel();
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    void fetch(const std::string& ns, const std::string& name) {
        {
            std::lock_guard lock(mu_);
            todo_.emplace_back(ns, name);
            ++pending_;
        }
        cv_.notify_all();
    }
    bool idle() const { return pending_.load() == 0; }

private:
    void run() {
        ObjectDecoder decoder;
        ApiResource res;
        res.version = "v1";
        res.resource = "secrets";
        res.kind = "Secret";
        res.modelKind = model::Kind::Secret;
        while (true) {
            std::pair<std::string, std::string> job;
            {
                std::unique_lock lock(mu_);
                cv_.wait(lock, [&] { return stopping_ || !todo_.empty(); });
                if (stopping_) return;
                job = std::move(todo_.front());
                todo_.pop_front();
            }
            const auto& [ns, name] = job;
            auto r = client_->get(res.objectPath(ns, name), "get secret " + ns + '/' + name, &cancel_);
            ReflectorDelta d;
            d.reflector = kSecretsId;
            d.kind = model::Kind::Secret;
            d.ns = ns;
            d.name = name;
            d.status.resource = res;
            d.status.ns = ns;
            if (r) {
                auto o = decoder.decodeSecret(r->body, &d.certificatePem);
                wipeString(r->body);  // it held the private key
                if (o) {
                    d.type = ReflectorDelta::Type::Upsert;
                    d.objects.push_back(std::move(*o));
                } else {
                    d.type = ReflectorDelta::Type::Status;
                    d.status.lastError = o.error();
                }
            } else if (r.error().code == ErrorCode::NotFound) {
                d.type = ReflectorDelta::Type::Delete;
            } else if (r.error().code == ErrorCode::Cancelled) {
                --pending_;
                return;
            } else {
                d.type = ReflectorDelta::Type::Status;
                d.status.lastError = r.error();
            }
            sink_->deliver(std::move(d));
            --pending_;
        }
    }

    std::shared_ptr<ApiClient> client_;
    ReflectorSink* sink_;
    std::thread thread_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::pair<std::string, std::string>> todo_;
    std::atomic<int> pending_{0};
    bool stopping_ = false;
    CancelScope cancel_;
};

struct LiveCluster::Impl : ReflectorSink {
    LiveOptions opt;
    std::shared_ptr<ApiClient> client;
    const ServerInfo* server = nullptr;
    std::string source;

    // Reflectors (guarded by reflMu; created by start() and by the publisher thread).
    mutable std::mutex reflMu;
    std::vector<std::unique_ptr<Reflector>> reflectors;
    int nextId = 1;
    std::unique_ptr<SecretFetcher> secrets;

    // Delta queue.
    std::mutex qMu;
    std::condition_variable qCv;
    std::deque<ReflectorDelta> queue;
    bool stopping = false;
    std::thread publisher;

    // Publisher-thread state.
    model::ClusterStateBuilder builder;
    std::uint64_t generation = 0;
    std::unordered_map<int, std::unordered_set<std::string>> owned;
    std::map<int, ReflectorStatus> statuses;
    std::set<model::Kind> perNamespace;  // kinds listed namespace by namespace
    std::map<model::Kind, int> clusterWideId;  // the cluster-wide reflector of each namespaced kind
    std::map<std::string, int> nsRefs;  // namespaces seen in objects
    std::set<std::string> namespacesSpawned;  // for per-namespace kinds
    std::set<std::string> secretsWanted;  // "ns/name"
    std::map<std::string, std::string> secretProblems;
    SteadyClock::time_point startedAt;
    SteadyClock::time_point lastPublishAt{};
    SteadyClock::time_point lastSecretRefresh{};
    std::optional<SteadyClock::time_point> pendingSince;  // earliest unpublished change's arrival
    bool dirty = false;
    bool initialPublished = false;
    bool secretsDirty = false;
    ConnectionState lastState = ConnectionState::Connecting;
    SysClock::time_point stateSince = SysClock::now();
    SysClock::time_point lastSync{};

    // Published.
    mutable std::mutex pubMu;
    std::condition_variable pubCv;
    std::shared_ptr<const model::ClusterState> current;
    std::map<std::string, std::string> certificates;  // "ns/name" -> PEM of fetched TLS Secrets
    LiveStatus status;
    std::chrono::microseconds latency{0};

    std::mutex obsMu;
    std::map<int, Observer> observers;
    int nextObserver = 1;

    void deliver(ReflectorDelta d) override {
        {
            std::lock_guard lock(qMu);
            queue.push_back(std::move(d));
        }
        qCv.notify_one();
    }

    ReflectorOptions reflectorOptions(model::Kind kind) const {
        ReflectorOptions ro = opt.reflector;
        ro.watch = opt.watch;
        (void)kind;
        return ro;
    }

    // Must hold reflMu.
    int spawn(const ApiResource& res, const std::string& ns, ReflectorOptions ro) {
        int id = nextId++;
        auto r = std::make_unique<Reflector>(id, client, res, ns, std::move(ro), this);
        r->start();
        reflectors.push_back(std::move(r));
        return id;
    }

    void startReflectors() {
        std::set<model::Kind> kinds = opt.kinds;
        if (kinds.empty()) {
            kinds = {model::Kind::Namespace, model::Kind::Node,      model::Kind::IngressClass,
                     model::Kind::Ingress,   model::Kind::Service,   model::Kind::EndpointSlice,
                     model::Kind::Pod,       model::Kind::ConfigMap, model::Kind::GatewayClass,
                     model::Kind::Gateway,   model::Kind::HTTPRoute, model::Kind::ReferenceGrant};
            if (opt.includeWorkloads) {
                kinds.insert(model::Kind::Deployment);
                kinds.insert(model::Kind::StatefulSet);
            }
        }
        std::lock_guard lock(reflMu);
        for (model::Kind k : kinds) {
            auto it = server->served.find(k);
            if (it == server->served.end()) continue;
            const ApiResource& res = it->second;
            if (k == model::Kind::ConfigMap) {
                // Only the controller's ConfigMaps, each through a field selector in its namespace.
                for (const auto& ref : opt.controllerConfigMaps) {
                    auto slash = ref.find('/');
                    if (slash == std::string::npos) continue;
                    std::string ns = ref.substr(0, slash);
                    if (!opt.ns.empty() && ns != opt.ns) continue;
                    ReflectorOptions ro = reflectorOptions(k);
                    ro.fieldSelector = "metadata.name=" + ref.substr(slash + 1);
                    spawn(res, ns, ro);
                }
                continue;
            }
            int id = spawn(res, res.namespaced ? opt.ns : std::string(), reflectorOptions(k));
            if (res.namespaced && opt.ns.empty()) clusterWideId[k] = id;
        }
    }

    // ---- applying deltas (publisher thread) ----

    void refNamespace(const std::string& ns, int delta) {
        if (ns.empty()) return;
        int& n = nsRefs[ns];
        n += delta;
        if (n <= 0) nsRefs.erase(ns);
    }

    void upsert(int id, model::AnyObject o) {
        const auto& m = model::metaOf(o);
        std::string k = keyOf(m.ns, m.name);
        if (owned[id].insert(k).second) refNamespace(m.ns, 1);
        model::addTo(builder, std::move(o));
    }

    void erase(int id, model::Kind kind, const std::string& ns, const std::string& name) {
        std::string k = keyOf(ns, name);
        if (owned[id].erase(k)) refNamespace(ns, -1);
        builder.remove(kind, ns, name);
    }

    void apply(ReflectorDelta& d) {
        if (d.reflector == kSecretsId) {
            std::string k = keyOf(d.ns, d.name);
            if (d.type == ReflectorDelta::Type::Upsert) {
                if (secretsWanted.count(k)) {
                    model::addTo(builder, std::move(d.objects.front()));
                    dirty = true;
                    std::lock_guard lock(pubMu);
                    if (d.certificatePem.empty())
                        certificates.erase(k);
                    else
                        certificates[k] = std::move(d.certificatePem);
                }
                secretProblems.erase(k);
            } else if (d.type == ReflectorDelta::Type::Delete) {
                builder.remove(model::Kind::Secret, d.ns, d.name);
                {
                    std::lock_guard lock(pubMu);
                    certificates.erase(k);
                }
                secretProblems.erase(k);
                dirty = true;
            } else if (d.status.lastError) {
                secretProblems[k] = d.status.lastError->message;
            }
            return;
        }
        statuses[d.reflector] = d.status;
        switch (d.type) {
        case ReflectorDelta::Type::Status: return;
        case ReflectorDelta::Type::Replace: {
            auto& keys = owned[d.reflector];
            std::unordered_set<std::string> fresh;
            fresh.reserve(d.objects.size());
            for (const auto& o : d.objects) {
                const auto& m = model::metaOf(o);
                fresh.insert(keyOf(m.ns, m.name));
            }
            for (const auto& k : keys) {
                if (fresh.count(k)) continue;
                auto slash = k.find('/');
                std::string ns = k.substr(0, slash), name = k.substr(slash + 1);
                builder.remove(d.kind, ns, name);
                refNamespace(ns, -1);
            }
            for (const auto& k : fresh)
                if (!keys.count(k)) refNamespace(k.substr(0, k.find('/')), 1);
            keys = std::move(fresh);
            for (auto& o : d.objects) model::addTo(builder, std::move(o));
            break;
        }
        case ReflectorDelta::Type::Upsert:
            for (auto& o : d.objects) upsert(d.reflector, std::move(o));
            break;
        case ReflectorDelta::Type::Delete: erase(d.reflector, d.kind, d.ns, d.name); break;
        }
        dirty = true;
        if (d.kind == model::Kind::Ingress || d.kind == model::Kind::Gateway) secretsDirty = true;
        if (!pendingSince || d.received < *pendingSince) pendingSince = d.received;
    }

    // A namespaced kind refused cluster-wide is listed per namespace instead.
    void handleFallback() {
        std::vector<std::unique_ptr<Reflector>> retired;
        {
            std::lock_guard lock(reflMu);
            for (auto& [kind, id] : clusterWideId) {
                if (perNamespace.count(kind)) continue;
                auto st = statuses.find(id);
                if (st == statuses.end() || st->second.phase != ReflectorPhase::Forbidden) continue;
                perNamespace.insert(kind);
                // The cluster-wide reflector would retry now and then; stop it so the two never
                // overlap once RBAC changes (the per-namespace ones keep retrying).
                for (auto& r : reflectors)
                    if (r && r->id() == id) retired.push_back(std::move(r));
                std::erase(reflectors, nullptr);
            }
        }
        for (auto& r : retired) r->stop();  // outside the lock; it was sleeping
        if (perNamespace.empty()) return;
        std::set<std::string> known;
        for (const auto& [ns, n] : nsRefs) known.insert(ns);
        for (const auto& [k, nsObj] : builder.objects<model::Namespace>()) known.insert(nsObj->meta.name);
        std::lock_guard lock(reflMu);
        for (const auto& ns : known) {
            for (model::Kind kind : perNamespace) {
                std::string key = std::to_string(static_cast<int>(kind)) + '/' + ns;
                if (!namespacesSpawned.insert(key).second) continue;
                spawn(server->served.at(kind), ns, reflectorOptions(kind));
            }
        }
    }

    void updateSecrets(bool force) {
        if (!secrets || (!secretsDirty && !force)) return;
        secretsDirty = false;
        std::set<std::string> want;
        for (const auto& [k, ing] : builder.objects<model::Ingress>())
            for (const auto& tls : ing->tls)
                if (!tls.secretName.empty()) want.insert(keyOf(ing->meta.ns, tls.secretName));
        for (const auto& [k, gw] : builder.objects<model::Gateway>())
            for (const auto& l : gw->listeners)
                for (const auto& ref : l.certificateRefs)
                    if ((ref.kind.empty() || ref.kind == "Secret") && ref.group.empty())
                        want.insert(keyOf(ref.ns.empty() ? gw->meta.ns : ref.ns, ref.name));
        for (const auto& k : secretsWanted) {
            if (want.count(k)) continue;
            auto slash = k.find('/');
            builder.remove(model::Kind::Secret, k.substr(0, slash), k.substr(slash + 1));
            secretProblems.erase(k);
            dirty = true;
        }
        for (const auto& k : want) {
            if (!force && secretsWanted.count(k)) continue;
            auto slash = k.find('/');
            secrets->fetch(k.substr(0, slash), k.substr(slash + 1));
        }
        secretsWanted = std::move(want);
    }

    bool allSynced() const {
        std::lock_guard lock(reflMu);
        for (const auto& r : reflectors) {
            auto it = statuses.find(r->id());
            if (it == statuses.end()) return false;
            const ReflectorStatus& s = it->second;
            bool settled = s.synced || s.phase == ReflectorPhase::Forbidden || s.phase == ReflectorPhase::Failed ||
                s.phase == ReflectorPhase::Done;
            if (!settled) return false;
        }
        // A kind that just switched to per-namespace listing has reflectors still to report.
        return !secrets || secrets->idle();
    }

    LiveStatus computeStatus() {
        LiveStatus st;
        st.serverVersion = server ? server->gitVersion : std::string();
        std::set<std::string> problems;
        std::optional<Error> fatal;
        std::optional<SysClock::time_point> reconnectingSince;
        std::string reconnectMsg;
        std::set<int> retiredIds;
        for (auto& [kind, id] : clusterWideId)
            if (perNamespace.count(kind)) retiredIds.insert(id);
        for (const auto& [id, s] : statuses) {
            st.resources.push_back(s);
            if (s.phase == ReflectorPhase::Forbidden && s.lastError) {
                if (!retiredIds.count(id)) problems.insert(s.lastError->message);
                continue;
            }
            if (s.phase == ReflectorPhase::Failed && s.lastError) problems.insert(s.lastError->message);
            if ((s.phase == ReflectorPhase::Retrying || s.phase == ReflectorPhase::Failed) && s.lastError) {
                if (needsUser(*s.lastError)) {
                    if (!fatal) fatal = s.lastError;
                } else if (!reconnectingSince || s.since < *reconnectingSince) {
                    reconnectingSince = s.since;
                    reconnectMsg = s.lastError->message;
                }
            }
        }
        for (const auto& [k, msg] : secretProblems) problems.insert(msg);
        if (server)
            for (const auto& m : server->missing) problems.insert("the server does not serve " + m);
        st.problems.assign(problems.begin(), problems.end());
        ConnectionState state;
        if (!initialPublished)
            state = fatal ? ConnectionState::Error : ConnectionState::Connecting;
        else if (fatal)
            state = ConnectionState::Error;
        else if (reconnectingSince)
            state = ConnectionState::Reconnecting;
        else
            state = ConnectionState::Live;
        if (state != lastState) {
            stateSince =
                state == ConnectionState::Reconnecting && reconnectingSince ? *reconnectingSince : SysClock::now();
            lastState = state;
        }
        if (state == ConnectionState::Live) lastSync = SysClock::now();
        st.state = state;
        st.since = stateSince;
        st.lastSync = lastSync;
        st.message = fatal ? fatal->message : state == ConnectionState::Reconnecting ? reconnectMsg : std::string();
        return st;
    }

    void notify(const std::shared_ptr<const model::ClusterState>& snap, const LiveStatus& st) {
        std::lock_guard lock(obsMu);
        for (auto& [id, fn] : observers) {
            try {
                fn(snap, st);
            } catch (...) {
                // An observer's exception must not kill the publisher; observers report their own errors.
            }
        }
    }

    void publish() {
        builder.setGeneration(++generation);
        builder.setSource(source);
        auto snap = builder.build();
        auto now = SteadyClock::now();
        lastPublishAt = now;
        std::chrono::microseconds lat{0};
        if (pendingSince) lat = std::chrono::duration_cast<std::chrono::microseconds>(now - *pendingSince);
        pendingSince.reset();
        dirty = false;
        initialPublished = true;
        LiveStatus st = computeStatus();
        {
            std::lock_guard lock(pubMu);
            current = snap;
            st.snapshots = ++status.snapshots;
            status = st;
            latency = lat;
        }
        pubCv.notify_all();
        notify(snap, st);
    }

    void runPublisher() {
        startedAt = SteadyClock::now();
        lastSecretRefresh = startedAt;
        while (true) {
            std::deque<ReflectorDelta> batch;
            {
                std::unique_lock lock(qMu);
                auto wakeAt = SteadyClock::now() + std::chrono::milliseconds(200);
                if (dirty && initialPublished) wakeAt = std::min(wakeAt, lastPublishAt + opt.coalesce);
                qCv.wait_until(lock, wakeAt, [&] { return stopping || !queue.empty(); });
                if (stopping) return;
                batch.swap(queue);
            }
            bool statusChanged = false;
            for (auto& d : batch) {
                if (d.type == ReflectorDelta::Type::Status) statusChanged = true;
                apply(d);
            }
            handleFallback();
            auto now = SteadyClock::now();
            bool refresh = opt.watch && now - lastSecretRefresh > opt.secretRefresh;
            if (refresh) lastSecretRefresh = now;
            updateSecrets(refresh);
            if (!initialPublished) {
                if (allSynced() || now - startedAt > opt.initialSyncTimeout)
                    publish();
                else if (statusChanged) {
                    LiveStatus st = computeStatus();
                    if (st.state == ConnectionState::Error) {
                        std::lock_guard lock(pubMu);
                        status = st;
                    }
                }
                continue;
            }
            if (dirty) {
                if (now - lastPublishAt >= opt.coalesce) publish();
                continue;
            }
            if (statusChanged || !batch.empty()) {
                LiveStatus st = computeStatus();
                bool changed;
                {
                    std::lock_guard lock(pubMu);
                    changed =
                        st.state != status.state || st.problems != status.problems || st.message != status.message;
                    st.snapshots = status.snapshots;
                    status = st;
                }
                if (changed) {
                    pubCv.notify_all();
                    notify(snapshotNow(), st);
                }
            }
        }
    }

    std::shared_ptr<const model::ClusterState> snapshotNow() const {
        std::lock_guard lock(pubMu);
        return current;
    }
};

// ---- LiveCluster ----------------------------------------------------------------------------------

Result<std::unique_ptr<LiveCluster>> LiveCluster::create(const ClientConfig& config, LiveOptions options) {
    auto client = ApiClient::create(config, options.client);
    if (!client) return std::move(client).error();
    std::unique_ptr<LiveCluster> lc(new LiveCluster());
    lc->client_ = std::move(*client);
    lc->impl_ = std::make_unique<Impl>();
    lc->impl_->opt = std::move(options);
    lc->impl_->client = lc->client_;
    lc->impl_->source = "context " + config.contextName;
    return lc;
}

LiveCluster::~LiveCluster() { stop(); }

Result<void> LiveCluster::start() {
    Impl& im = *impl_;
    CancelScope scope;
    auto info = client_->discover(&scope);
    if (!info) return std::move(info).error();
    server_ = std::move(*info);
    im.server = &server_;
    // Watch-list arrived in 1.27 (alpha); older servers ignore the parameters, which would look
    // like a watch that never finishes its initial events.
    if (server_.major == 1 && server_.minor < 27) client_->disableWatchList();
    im.publisher = std::thread([&im] { im.runPublisher(); });
    if (im.opt.fetchTlsSecrets) {
        im.secrets = std::make_unique<SecretFetcher>(client_, &im);
        im.secrets->start();
    }
    im.startReflectors();
    return {};
}

void LiveCluster::stop() {
    if (!impl_) return;
    Impl& im = *impl_;
    std::vector<std::unique_ptr<Reflector>> all;
    {
        std::lock_guard lock(im.reflMu);
        all.swap(im.reflectors);
    }
    // Cancel every request at once, then join.
    for (auto& r : all) r->stop();
    all.clear();
    if (im.secrets) im.secrets->stop();
    {
        std::lock_guard lock(im.qMu);
        im.stopping = true;
    }
    im.qCv.notify_all();
    if (im.publisher.joinable()) im.publisher.join();
    // Reflectors that the publisher created after the swap above.
    {
        std::lock_guard lock(im.reflMu);
        all.swap(im.reflectors);
    }
    for (auto& r : all) r->stop();
    {
        std::lock_guard lock(im.pubMu);
        im.status.state = ConnectionState::Stopped;
    }
    im.pubCv.notify_all();
}

std::shared_ptr<const model::ClusterState> LiveCluster::snapshot() const { return impl_->snapshotNow(); }

LiveStatus LiveCluster::status() const {
    std::lock_guard lock(impl_->pubMu);
    return impl_->status;
}

std::string LiveCluster::certificatePem(const std::string& ns, const std::string& name) const {
    std::lock_guard lock(impl_->pubMu);
    auto it = impl_->certificates.find(ns + '/' + name);
    return it == impl_->certificates.end() ? std::string() : it->second;
}

std::chrono::microseconds LiveCluster::lastPublishLatency() const {
    std::lock_guard lock(impl_->pubMu);
    return impl_->latency;
}

std::shared_ptr<const model::ClusterState> LiveCluster::waitUntilSynced(std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->pubMu);
    impl_->pubCv.wait_for(lock, timeout,
                          [&] { return impl_->current != nullptr || impl_->status.state == ConnectionState::Stopped; });
    return impl_->current;
}

std::shared_ptr<const model::ClusterState> LiveCluster::waitForNewer(std::uint64_t generation,
                                                                     std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->pubMu);
    impl_->pubCv.wait_for(lock, timeout, [&] {
        return (impl_->current && impl_->current->generation() > generation) ||
            impl_->status.state == ConnectionState::Stopped;
    });
    return impl_->current && impl_->current->generation() > generation ? impl_->current : nullptr;
}

int LiveCluster::subscribe(Observer observer) {
    std::lock_guard lock(impl_->obsMu);
    int id = impl_->nextObserver++;
    impl_->observers.emplace(id, std::move(observer));
    return id;
}

void LiveCluster::unsubscribe(int id) {
    std::lock_guard lock(impl_->obsMu);
    impl_->observers.erase(id);
}

Result<LiveReadResult> readLiveOnce(const ClientConfig& config, LiveOptions options) {
    options.watch = false;
    auto lc = LiveCluster::create(config, std::move(options));
    if (!lc) return std::move(lc).error();
    auto started = (*lc)->start();
    if (!started) return std::move(started).error();
    LiveReadResult out;
    out.state = (*lc)->waitUntilSynced(std::chrono::hours(1));
    out.status = (*lc)->status();
    (*lc)->stop();
    if (!out.state) return makeError(ErrorCode::Timeout, "the cluster could not be read");
    // Nothing could be read at all: that is an error (bad credentials, unreachable server), not an
    // empty cluster. Prefer the error that needs the user's attention.
    bool anySynced = false;
    std::optional<Error> first;
    for (const auto& r : out.status.resources) {
        if (r.synced)
            anySynced = true;
        else if (r.lastError && (!first || (needsUser(*r.lastError) && !needsUser(*first))))
            first = r.lastError;
    }
    if (!anySynced && first) return *first;
    out.problems = out.status.problems;
    for (const auto& s : out.state->secrets().all()) {
        std::string pem = (*lc)->certificatePem(s->meta.ns, s->meta.name);
        if (!pem.empty()) out.certificates[s->meta.key()] = std::move(pem);
    }
    return out;
}

}  // namespace hs::kube
