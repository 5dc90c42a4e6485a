#pragma once
// A replay scenario (YAML, docs/replay.md): how the Pods behind the routes behave — service time
// as a distribution, concurrency, queue limit; defaults overridable per Service and per Pod
// (glob patterns) — and what happens to the cluster while the trace plays: Pods becoming unready,
// deleted, added, a Service scaled, a canary weight changed, manifests applied, a Pod slowing down.

#include "model/diagnostic.h"
#include "simulator/balancer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hs::replay {

inline constexpr std::int64_t kMs = 1'000'000;
inline constexpr std::int64_t kSec = 1'000'000'000;

// A service-time distribution in integer nanoseconds.
struct Distribution {
    enum class Kind : std::uint8_t { Constant, Exponential, LogNormal, Uniform };
    Kind kind = Kind::LogNormal;
    std::int64_t a = 20 * kMs;  // constant: the value; exponential: the mean; lognormal: the median; uniform: min
    std::int64_t b = 150 * kMs;  // lognormal: the 99th percentile; uniform: max

    // One sample (>= 1 µs), from `rng` (deterministic for a seed on one build). `spare` holds the
    // second normal variate of the last polar-method draw (NaN when none); owned by the caller.
    std::int64_t sample(sim::Rng& rng, double& spare) const;
    std::string describe() const;  // "lognormal median 20ms p99 150ms"

private:
    // lognormal: ln(median) and sigma, computed at the first sample (not per sample): set kind,
    // a and b before sampling
    mutable double mu_ = 0, sigma_ = 0;
    mutable bool prepared_ = false;
};

// Per-Pod model settings; unset fields fall back (Pod pattern → Service pattern → defaults).
struct PodSettings {
    std::optional<Distribution> serviceTime;
    std::optional<int> concurrency;  // requests served at once
    std::optional<int> queueLimit;  // waiting requests beyond which the model answers 503
};

struct ScenarioEvent {
    enum class Kind : std::uint8_t {
        PodUnready,
        PodReady,
        PodDeleted,
        PodAdded,
        Scale,
        CanaryWeight,
        Apply,
        ServiceTime
    };
    Kind kind = Kind::PodUnready;
    std::int64_t atNs = 0;  // offset from the trace's first request, or Unix time when `absolute`
    bool absolute = false;
    std::string target;  // Pod, Service or Ingress "ns/name"
    std::string like;  // PodAdded: the Pod to copy (labels, ports, node)
    std::string ip;  // PodAdded: the new Pod's address (default: a synthetic one)
    int number = 0;  // Scale: replicas; CanaryWeight: weight
    std::optional<int> weightTotal;  // CanaryWeight: canary-weight-total
    std::vector<std::string> files;  // Apply: manifest files or folders (resolved paths)
    Distribution serviceTime;  // ServiceTime
    model::SourceLoc loc;

    std::string describe() const;  // "Pod shop/api-1 becomes unready"
};

struct Scenario {
    std::string source;  // the file it came from
    // Defaults: lognormal service time (median 20 ms, p99 150 ms), 32 concurrent requests per
    // Pod, up to 1024 waiting.
    Distribution defaultServiceTime;
    int defaultConcurrency = 32;
    int defaultQueueLimit = 1024;
    std::vector<std::pair<std::string, PodSettings>> services;  // "ns/name" glob → settings
    std::vector<std::pair<std::string, PodSettings>> pods;
    std::vector<ScenarioEvent> events;  // sorted by time, file order among equal times
};

struct ScenarioLoad {
    std::optional<Scenario> scenario;
    model::Diagnostics diagnostics;  // errors make `scenario` empty
};

ScenarioLoad loadScenario(const std::string& path);
// `baseDir` resolves relative `apply:` paths.
ScenarioLoad parseScenario(std::string_view text, const std::string& name, const std::string& baseDir);

// "20ms", "1.5s", "250us", "100ns", "2m", "1h" → nanoseconds.
std::optional<std::int64_t> parseDuration(std::string_view text);
std::string formatDuration(std::int64_t ns);  // "20ms", "1.5s", "2m30s"

// Shell-style glob with `*` (any run) and `?` (one character).
bool globMatch(std::string_view pattern, std::string_view text);

}  // namespace hs::replay
