#pragma once
// A reflector keeps one resource (in one namespace or all) mirrored, the way client-go's
// tools/cache reflector does:
//  - initial sync by watch-list (sendInitialEvents=true, resourceVersionMatch=NotOlderThan,
//    ended by the bookmark annotated k8s.io/initial-events-end) when the server supports it, else
//    by a paginated list (limit/continue; a 410 on a continue token restarts the list);
//  - then a watch from the list's resourceVersion with bookmarks, resumed from the last seen
//    resourceVersion after the server ends it or the connection drops;
//  - 410 Expired (HTTP or an ERROR event) ⇒ a full relist that replaces what it had;
//  - failures ⇒ retries with exponential backoff and jitter (0.8 s doubling to 30 s);
//  - 403 ⇒ reported once, precisely; retried rarely (RBAC may change).
// Results go to a ReflectorSink as deltas. One thread per reflector; start()/stop() from any
// thread (stop() joins).

#include "kubeclient/api_client.h"
#include "kubeclient/object_decoder.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace hs::kube {

enum class ReflectorPhase {
    Starting,
    Listing,  // initial list or relist in progress
    Watching,  // synced and watching
    Retrying,  // waiting to retry after an error (lastError says which)
    Forbidden,  // RBAC refuses; retried rarely
    Done,  // one-shot mode: listed once
    Failed,  // one-shot mode: gave up
    Stopped,
};
const char* reflectorPhaseName(ReflectorPhase p);

struct ReflectorStatus {
    int id = 0;
    ApiResource resource;
    std::string ns;  // empty = all namespaces (or cluster-scoped)
    ReflectorPhase phase = ReflectorPhase::Starting;
    bool synced = false;  // at least one complete list/initial sync delivered
    std::optional<Error> lastError;
    std::chrono::system_clock::time_point since{};  // when the phase began
    std::chrono::system_clock::time_point lastContact{};  // last byte-level sign of life from the server
    std::size_t objects = 0;
    std::uint64_t relists = 0;  // full lists after the first
    std::uint64_t watchRestarts = 0;  // watches opened (the first included)
    bool watchList = false;  // the initial sync used watch-list
};

struct ReflectorDelta {
    enum class Type { Replace, Upsert, Delete, Status };
    Type type = Type::Status;
    int reflector = 0;
    model::Kind kind = model::Kind::Pod;
    std::vector<model::AnyObject> objects;  // Replace (all of this reflector's objects), Upsert (one)
    std::string ns, name;  // Delete
    ReflectorStatus status;  // every delta carries the reflector's current status
    std::chrono::steady_clock::time_point received{};  // when the triggering bytes arrived (latency)
    std::string certificatePem;  // a TLS Secret fetched by name: its (public) certificate
};

class ReflectorSink {
public:
    virtual ~ReflectorSink() = default;
    // Called on the reflector's thread; must not block for long.
    virtual void deliver(ReflectorDelta delta) = 0;
};

struct ReflectorOptions {
    bool watch = true;  // false: list once and finish (CLI snapshot, lint --kubeconfig)
    bool useWatchList = true;  // try sendInitialEvents for the initial sync
    int pageSize = 500;
    std::string fieldSelector;
    std::string labelSelector;
    std::chrono::milliseconds backoffInitial{800};
    std::chrono::milliseconds backoffMax{30'000};
    std::chrono::milliseconds forbiddenRetry{300'000};
    int watchTimeoutMin = 300;  // seconds; each watch asks the server for a random timeout in [min, 2·min)
    int oneShotAttempts = 3;  // one-shot mode: attempts for transient errors
};

class Reflector {
public:
    Reflector(int id, std::shared_ptr<ApiClient> client, ApiResource resource, std::string ns, ReflectorOptions options,
              ReflectorSink* sink);
    ~Reflector();
    Reflector(const Reflector&) = delete;
    Reflector& operator=(const Reflector&) = delete;

    void start();
    void stop();  // cancels any request in flight and joins
    ReflectorStatus status() const;
    int id() const { return id_; }
    const ApiResource& resource() const { return resource_; }
    const std::string& ns() const { return ns_; }

private:
    void run();
    // Initial sync or relist; on success the objects were delivered and rv_ is set. When the sync
    // used watch-list, `stream` holds the watch to continue on.
    Result<void> sync(std::unique_ptr<WatchStream>& stream);
    Result<void> listAll();
    Result<void> watchListSync(std::unique_ptr<WatchStream>& stream);
    // Consumes events until the stream ends; Expired ⇒ needRelist_.
    Result<void> consume(WatchStream& stream);
    void setPhase(ReflectorPhase p, std::optional<Error> err = std::nullopt);
    void send(ReflectorDelta d);
    bool sleepFor(std::chrono::milliseconds d);  // false when stopped
    std::chrono::milliseconds nextBackoff();

    const int id_;
    std::shared_ptr<ApiClient> client_;
    ApiResource resource_;
    std::string ns_;
    ReflectorOptions opt_;
    ReflectorSink* sink_;
    ObjectDecoder decoder_;
    CancelScope cancel_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::mutex waitMu_;
    std::condition_variable waitCv_;

    mutable std::mutex statusMu_;
    ReflectorStatus status_;

    std::string rv_;
    bool needRelist_ = true;
    std::chrono::milliseconds backoff_{0};
    std::mt19937 rng_;
};

}  // namespace hs::kube
