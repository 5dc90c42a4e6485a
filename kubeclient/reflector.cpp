#include "kubeclient/reflector.h"

namespace hs::kube {

using SteadyClock = std::chrono::steady_clock;
using SysClock = std::chrono::system_clock;

const char* reflectorPhaseName(ReflectorPhase p) {
    switch (p) {
    case ReflectorPhase::Starting: return "starting";
    case ReflectorPhase::Listing: return "listing";
    case ReflectorPhase::Watching: return "watching";
    case ReflectorPhase::Retrying: return "retrying";
    case ReflectorPhase::Forbidden: return "forbidden";
    case ReflectorPhase::Done: return "done";
    case ReflectorPhase::Failed: return "failed";
    case ReflectorPhase::Stopped: return "stopped";
    }
    return "?";
}

Reflector::Reflector(int id, std::shared_ptr<ApiClient> client, ApiResource resource, std::string ns,
                     ReflectorOptions options, ReflectorSink* sink)
    : id_(id),
      client_(std::move(client)),
      resource_(std::move(resource)),
      ns_(std::move(ns)),
      opt_(std::move(options)),
      sink_(sink),
      rng_(std::random_device{}()) {
    status_.id = id_;
    status_.resource = resource_;
    status_.ns = ns_;
    status_.since = SysClock::now();
}

Reflector::~Reflector() { stop(); }

void Reflector::start() {
    if (thread_.joinable()) return;
    stopping_ = false;
    cancel_.reset();
    thread_ = std::thread([this] { run(); });
}

void Reflector::stop() {
    stopping_ = true;
    cancel_.cancel();
    { std::lock_guard lock(waitMu_); }
    waitCv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

ReflectorStatus Reflector::status() const {
    std::lock_guard lock(statusMu_);
    return status_;
}

void Reflector::send(ReflectorDelta d) {
    d.reflector = id_;
    d.kind = resource_.modelKind;
    {
        std::lock_guard lock(statusMu_);
        d.status = status_;
    }
    if (d.received == SteadyClock::time_point{}) d.received = SteadyClock::now();
    sink_->deliver(std::move(d));
}

void Reflector::setPhase(ReflectorPhase p, std::optional<Error> err) {
    bool changed;
    {
        std::lock_guard lock(statusMu_);
        changed = status_.phase != p || (err.has_value() != status_.lastError.has_value()) ||
            (err && status_.lastError && err->message != status_.lastError->message);
        if (status_.phase != p) status_.since = SysClock::now();
        status_.phase = p;
        if (err || p == ReflectorPhase::Watching || p == ReflectorPhase::Done) status_.lastError = std::move(err);
    }
    if (changed) send(ReflectorDelta{});
}

bool Reflector::sleepFor(std::chrono::milliseconds d) {
    std::unique_lock lock(waitMu_);
    waitCv_.wait_for(lock, d, [this] { return stopping_.load(); });
    return !stopping_.load();
}

std::chrono::milliseconds Reflector::nextBackoff() {
    // client-go's reflector backoff: 0.8 s doubling up to 30 s, each wait jittered by up to +100%.
    backoff_ = backoff_.count() == 0 ? opt_.backoffInitial : std::min(backoff_ * 2, opt_.backoffMax);
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    return std::chrono::milliseconds(static_cast<long long>(backoff_.count() * (1.0 + jitter(rng_))));
}

Result<void> Reflector::listAll() {
    std::vector<model::AnyObject> objects;
    ListOptions lo;
    lo.limit = opt_.pageSize;
    lo.fieldSelector = opt_.fieldSelector;
    lo.labelSelector = opt_.labelSelector;
    std::string rv;
    std::optional<Error> itemError;
    for (int restarts = 0;;) {
        auto page = client_->listPage(
            resource_, ns_, lo,
            [&](std::string_view item) {
                auto o = decoder_.decodeItem(item, resource_);
                if (o)
                    objects.push_back(std::move(*o));
                else if (!itemError)
                    itemError = o.error();
            },
            &cancel_);
        if (!page) {
            // A continue token the server no longer knows (410): list again from the start, as
            // client-go's pager does.
            if (page.error().code == ErrorCode::Expired && !lo.continueToken.empty() && restarts++ < 3) {
                objects.clear();
                lo.continueToken.clear();
                continue;
            }
            return std::move(page).error();
        }
        if (rv.empty()) rv = page->resourceVersion;
        {
            std::lock_guard lock(statusMu_);
            status_.lastContact = SysClock::now();
        }
        if (page->continueToken.empty()) break;
        lo.continueToken = page->continueToken;
    }
    if (itemError && objects.empty()) return *itemError;
    rv_ = rv;
    {
        std::lock_guard lock(statusMu_);
        status_.objects = objects.size();
        if (status_.synced) ++status_.relists;
        status_.synced = true;
        status_.watchList = false;
    }
    ReflectorDelta d;
    d.type = ReflectorDelta::Type::Replace;
    d.objects = std::move(objects);
    send(std::move(d));
    return {};
}

Result<void> Reflector::watchListSync(std::unique_ptr<WatchStream>& stream) {
    WatchOptions wo;
    wo.sendInitialEvents = true;
    wo.allowBookmarks = true;
    wo.fieldSelector = opt_.fieldSelector;
    wo.labelSelector = opt_.labelSelector;
    std::uniform_int_distribution<int> dist(opt_.watchTimeoutMin, 2 * opt_.watchTimeoutMin - 1);
    wo.timeoutSeconds = dist(rng_);
    auto w = client_->watch(resource_, ns_, wo, &cancel_);
    if (!w) return std::move(w).error();
    WatchStream* raw = w->get();
    cancel_.attach([raw] { raw->cancel(); });
    std::vector<model::AnyObject> objects;
    std::string_view ev;
    while (true) {
        auto n = (*w)->next(ev);
        if (n != WatchStream::Next::Event) break;
        auto e = decoder_.decodeEvent(ev, resource_);
        if (!e) continue;  // one unreadable object must not stop the sync
        if (e->type == WatchEventType::Error) {
            cancel_.detach();
            return statusError(*e->status, e->status->code, ApiClient::describeOp("watch", resource_, ns_));
        }
        if (e->type == WatchEventType::Bookmark) {
            rv_ = e->resourceVersion;
            if (!e->initialEventsEnd) continue;
            {
                std::lock_guard lock(statusMu_);
                status_.objects = objects.size();
                if (status_.synced) ++status_.relists;
                status_.synced = true;
                status_.watchList = true;
                status_.lastContact = SysClock::now();
            }
            ReflectorDelta d;
            d.type = ReflectorDelta::Type::Replace;
            d.objects = std::move(objects);
            send(std::move(d));
            cancel_.detach();
            stream = std::move(*w);
            cancel_.attach([s = stream.get()] { s->cancel(); });
            return {};
        }
        if (e->object) {
            if (e->type == WatchEventType::Deleted) {
                const auto& meta = model::metaOf(*e->object);
                std::erase_if(objects, [&](const model::AnyObject& o) {
                    const auto& m = model::metaOf(o);
                    return m.ns == meta.ns && m.name == meta.name;
                });
            } else {
                objects.push_back(std::move(*e->object));
            }
        }
    }
    cancel_.detach();
    if (auto err = (*w)->error()) return *err;
    return makeError(ErrorCode::Network, "the watch ended before the initial events were complete");
}

Result<void> Reflector::sync(std::unique_ptr<WatchStream>& stream) {
    if (opt_.useWatchList && opt_.watch && client_->watchListEnabled()) {
        auto r = watchListSync(stream);
        if (r || r.error().code == ErrorCode::Cancelled) return r;
        // A server without watch-list support refuses the parameters (400/422); some proxies
        // answer 403/404 for unknown query shapes. List instead, for good on this client when the
        // server said the request itself was bad.
        if (r.error().code == ErrorCode::BadRequest) client_->disableWatchList();
        if (r.error().code != ErrorCode::BadRequest && r.error().code != ErrorCode::Forbidden &&
            r.error().code != ErrorCode::NotFound)
            return r;
    }
    return listAll();
}

Result<void> Reflector::consume(WatchStream& stream) {
    std::string_view ev;
    const std::string what = ApiClient::describeOp("watch", resource_, ns_);
    while (true) {
        auto n = stream.next(ev);
        if (n != WatchStream::Next::Event) break;
        auto received = SteadyClock::now();
        {
            std::lock_guard lock(statusMu_);
            status_.lastContact = SysClock::now();
        }
        auto e = decoder_.decodeEvent(ev, resource_);
        if (!e) continue;
        switch (e->type) {
        case WatchEventType::Error: {
            Error err = statusError(*e->status, e->status->code, what);
            if (err.code == ErrorCode::Expired) needRelist_ = true;
            return err;
        }
        case WatchEventType::Bookmark: rv_ = e->resourceVersion; break;
        case WatchEventType::Added:
        case WatchEventType::Modified: {
            rv_ = e->resourceVersion;
            ReflectorDelta d;
            d.type = ReflectorDelta::Type::Upsert;
            d.received = received;
            d.objects.push_back(std::move(*e->object));
            {
                std::lock_guard lock(statusMu_);
                if (e->type == WatchEventType::Added) ++status_.objects;
            }
            send(std::move(d));
            break;
        }
        case WatchEventType::Deleted: {
            rv_ = e->resourceVersion;
            const auto& meta = model::metaOf(*e->object);
            ReflectorDelta d;
            d.type = ReflectorDelta::Type::Delete;
            d.received = received;
            d.ns = meta.ns;
            d.name = meta.name;
            {
                std::lock_guard lock(statusMu_);
                if (status_.objects) --status_.objects;
            }
            send(std::move(d));
            break;
        }
        }
    }
    if (auto err = stream.error()) return *err;
    return {};  // a clean end: the server's watch timeout
}

void Reflector::run() {
    setPhase(ReflectorPhase::Starting);
    int attempts = 0;
    while (!stopping_) {
        std::unique_ptr<WatchStream> stream;
        if (needRelist_) {
            setPhase(ReflectorPhase::Listing, status().lastError);
            auto r = sync(stream);
            if (stopping_) break;
            if (!r) {
                const Error& e = r.error();
                ++attempts;
                if (e.code == ErrorCode::Forbidden) {
                    setPhase(ReflectorPhase::Forbidden, e);
                    if (!opt_.watch) return;
                    if (!sleepFor(opt_.forbiddenRetry)) break;
                    continue;
                }
                bool giveUp = !opt_.watch && (!e.transient() || attempts >= opt_.oneShotAttempts);
                if (giveUp) {
                    setPhase(ReflectorPhase::Failed, e);
                    return;
                }
                setPhase(ReflectorPhase::Retrying, e);
                if (!sleepFor(nextBackoff())) break;
                continue;
            }
            needRelist_ = false;
            attempts = 0;
            backoff_ = std::chrono::milliseconds(0);
            if (!opt_.watch) {
                setPhase(ReflectorPhase::Done);
                return;
            }
        }
        if (!stream) {
            WatchOptions wo;
            wo.resourceVersion = rv_;
            wo.allowBookmarks = true;
            wo.fieldSelector = opt_.fieldSelector;
            wo.labelSelector = opt_.labelSelector;
            std::uniform_int_distribution<int> dist(opt_.watchTimeoutMin, 2 * opt_.watchTimeoutMin - 1);
            wo.timeoutSeconds = dist(rng_);
            auto w = client_->watch(resource_, ns_, wo, &cancel_);
            if (stopping_) break;
            if (!w) {
                const Error& e = w.error();
                if (e.code == ErrorCode::Expired) {
                    needRelist_ = true;  // resourceVersion too old: relist, no waiting
                    continue;
                }
                if (e.code == ErrorCode::Forbidden) {
                    setPhase(ReflectorPhase::Forbidden, e);
                    if (!sleepFor(opt_.forbiddenRetry)) break;
                    continue;
                }
                setPhase(ReflectorPhase::Retrying, e);
                if (!sleepFor(nextBackoff())) break;
                continue;
            }
            stream = std::move(*w);
            std::lock_guard lock(statusMu_);
            ++status_.watchRestarts;
        }
        setPhase(ReflectorPhase::Watching);
        WatchStream* raw = stream.get();
        cancel_.attach([raw] { raw->cancel(); });
        auto started = SteadyClock::now();
        auto r = consume(*stream);
        cancel_.detach();
        stream.reset();
        if (stopping_) break;
        if (needRelist_) continue;
        if (!r) {
            setPhase(ReflectorPhase::Retrying, r.error());
            // A watch that ran a while earned a fresh backoff.
            if (SteadyClock::now() - started > std::chrono::seconds(30)) backoff_ = std::chrono::milliseconds(0);
            if (!sleepFor(nextBackoff())) break;
        }
    }
    setPhase(ReflectorPhase::Stopped);
}

}  // namespace hs::kube
