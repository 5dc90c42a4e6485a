#pragma once
// LiveCluster: a kubeconfig context kept as a stream of immutable ClusterState snapshots.
//
// One Reflector per resource (Namespace, Node, IngressClass, Ingress, Service, EndpointSlice,
// Pod, the ingress controller's ConfigMap, Gateway API kinds when served, workloads on request),
// cluster-wide or in one namespace. Their changes are applied to a ClusterStateBuilder on a
// publisher thread, which publishes a new snapshot (sharing every unchanged object with the
// previous one) at most once per coalescing window: the first change after a quiet period is
// published at once, later ones within the window together at its end.
//
// Partial visibility: when listing a namespaced resource cluster-wide is forbidden, it is listed
// namespace by namespace instead (namespaces known from Namespace objects or any visible object),
// and each refusal is reported precisely ("cannot list pods in namespace team-b: User \"jane\"
// cannot list resource \"pods\" ..."); everything else keeps working.
//
// Secrets are never listed. A TLS Secret referenced by an Ingress (or a Gateway listener) is
// fetched by name, only for its certificate (the model's Secret keeps no key), when RBAC allows.
//
// Threads:
//  - start(), stop(), snapshot(), status(), waitUntilSynced(), subscribe()/unsubscribe() may be
//    called from any thread. stop() joins every thread; it must not be called from an observer.
//  - observers run on the publisher thread, one at a time, in subscription order; they receive
//    each published snapshot and status changes. They must return quickly (a GUI posts the
//    snapshot to its own thread, e.g. with QMetaObject::invokeMethod) and must not call stop().

#include "kubeclient/api_client.h"
#include "kubeclient/reflector.h"
#include "model/cluster_state.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace hs::kube {

enum class ConnectionState {
    Connecting,  // before the first snapshot
    Live,  // every resource it may see is synced and watched
    Reconnecting,  // some watches lost their connection and are retrying (since `since`)
    Error,  // cannot make progress without the user (credentials, TLS, configuration)
    Stopped,
};
const char* connectionStateName(ConnectionState s);

struct LiveStatus {
    ConnectionState state = ConnectionState::Connecting;
    std::chrono::system_clock::time_point since{};  // when the state began
    std::chrono::system_clock::time_point lastSync{};  // last time the snapshot was known current
    std::string message;  // why Reconnecting/Error, user-facing
    std::vector<std::string> problems;  // what cannot be seen, sorted ("cannot list pods in namespace team-b: ...")
    std::vector<ReflectorStatus> resources;
    std::string serverVersion;
    std::uint64_t snapshots = 0;  // published so far
};

struct LiveOptions {
    bool watch = true;  // false: list once (snapshot, `lint --kubeconfig`)
    std::string ns;  // empty: all namespaces
    // Which kinds to mirror; empty = the default set (everything routing needs).
    std::set<model::Kind> kinds;
    bool includeWorkloads = false;  // Deployments/StatefulSets (for synthetic what-if Pods)
    bool fetchTlsSecrets = true;
    // ConfigMaps of the ingress controller ("namespace/name"), read through a field selector.
    std::vector<std::string> controllerConfigMaps = {"ingress-nginx/ingress-nginx-controller"};
    std::chrono::milliseconds coalesce{50};
    std::chrono::milliseconds initialSyncTimeout{60'000};  // publish what there is after this
    std::chrono::milliseconds secretRefresh{600'000};
    ApiClientOptions client;
    ReflectorOptions reflector;
};

class LiveCluster {
public:
    using Observer = std::function<void(const std::shared_ptr<const model::ClusterState>&, const LiveStatus&)>;

    // Validates the configuration and creates the client; nothing is contacted yet.
    static Result<std::unique_ptr<LiveCluster>> create(const ClientConfig& config, LiveOptions options = {});
    ~LiveCluster();
    LiveCluster(const LiveCluster&) = delete;
    LiveCluster& operator=(const LiveCluster&) = delete;

    // Discovers the server and starts the reflectors. Fails on discovery errors (unreachable
    // server, bad credentials, TLS); later failures show up in status() instead. Blocks for the
    // discovery requests (milliseconds normally, up to the connect timeout for an unreachable
    // server): a GUI calls it from a worker thread.
    Result<void> start();
    void stop();

    std::shared_ptr<const model::ClusterState> snapshot() const;  // null before the first publish
    LiveStatus status() const;

    // Blocks until the first snapshot was published (all reflectors synced, refused, or failed),
    // or the timeout. Returns the snapshot, or null on timeout.
    std::shared_ptr<const model::ClusterState> waitUntilSynced(std::chrono::milliseconds timeout);
    // Blocks until a snapshot newer than `generation` was published.
    std::shared_ptr<const model::ClusterState> waitForNewer(std::uint64_t generation,
                                                            std::chrono::milliseconds timeout);

    int subscribe(Observer observer);
    void unsubscribe(int id);

    ApiClient& client() { return *client_; }
    const ServerInfo& server() const { return server_; }
    // The PEM certificate of a TLS Secret fetched by name (public data), empty if unknown.
    std::string certificatePem(const std::string& ns, const std::string& name) const;
    // Latency of the last published change: from the watch event's arrival to the snapshot.
    std::chrono::microseconds lastPublishLatency() const;

private:
    LiveCluster() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::shared_ptr<ApiClient> client_;
    ServerInfo server_;
};

// One-shot read of a context (no watches): the state as manifests would give it, plus what could
// not be seen. Used by `hopscope-cli snapshot` and by -f-less commands given --kubeconfig.
struct LiveReadResult {
    std::shared_ptr<const model::ClusterState> state;
    std::vector<std::string> problems;  // forbidden resources/namespaces, unreadable objects
    LiveStatus status;
    std::map<std::string, std::string> certificates;  // "ns/name" -> PEM of TLS Secrets (public)
};
Result<LiveReadResult> readLiveOnce(const ClientConfig& config, LiveOptions options = {});

}  // namespace hs::kube
