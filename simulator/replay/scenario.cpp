#include "simulator/replay/scenario.h"

#include "model/doc_reader.h"
#include "simulator/trace/time_parse.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace hs::replay {

namespace fs = std::filesystem;

// ---- distributions ----------------------------------------------------------------------------

std::int64_t Distribution::sample(sim::Rng& rng, double& spare) const {
    double v = 0;
    switch (kind) {
    case Kind::Constant: v = static_cast<double>(a); break;
    case Kind::Exponential: {
        double u = rng.unit();
        v = -std::log(1.0 - u) * static_cast<double>(a);
        break;
    }
    case Kind::LogNormal: {
        // a standard normal by Marsaglia's polar method (two per draw, the second kept in
        // `spare`); sigma from the p99 (z = 2.3263)
        double z;
        if (spare == spare) {
            z = spare;
            spare = std::numeric_limits<double>::quiet_NaN();
        } else {
            double x, y, q;
            do {
                x = 2.0 * rng.unit() - 1.0;
                y = 2.0 * rng.unit() - 1.0;
                q = x * x + y * y;
            } while (q >= 1.0 || q == 0.0);
            double f = std::sqrt(-2.0 * std::log(q) / q);
            z = x * f;
            spare = y * f;
        }
        if (!prepared_) {
            mu_ = std::log(static_cast<double>(std::max<std::int64_t>(a, 1)));
            sigma_ = b > a ? std::log(static_cast<double>(b) / static_cast<double>(a)) / 2.3263478740408408 : 0.0;
            prepared_ = true;
        }
        v = std::exp(mu_ + sigma_ * z);
        break;
    }
    case Kind::Uniform: v = static_cast<double>(a + rng.range(0, std::max<std::int64_t>(0, b - a))); break;
    }
    if (!(v >= 1000.0)) v = 1000.0;  // at least 1 µs; also catches NaN
    if (v > 3600.0 * 1e9) v = 3600.0 * 1e9;
    return static_cast<std::int64_t>(v);
}

std::string Distribution::describe() const {
    switch (kind) {
    case Kind::Constant: return "constant " + formatDuration(a);
    case Kind::Exponential: return "exponential mean " + formatDuration(a);
    case Kind::LogNormal: return "lognormal median " + formatDuration(a) + " p99 " + formatDuration(b);
    case Kind::Uniform: return "uniform " + formatDuration(a) + ".." + formatDuration(b);
    }
    return {};
}

std::optional<std::int64_t> parseDuration(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty()) return std::nullopt;
    std::int64_t total = 0;
    bool any = false;
    while (!s.empty()) {
        std::size_t i = 0;
        while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
        if (i == 0) return std::nullopt;
        std::string_view num = s.substr(0, i);
        std::size_t j = i;
        while (j < s.size() && s[j] >= 'a' && s[j] <= 'z') ++j;
        std::string_view unit = s.substr(i, j - i);
        std::int64_t mult = 0;
        if (unit == "ns")
            mult = 1;
        else if (unit == "us" || unit == "µs")
            mult = 1000;
        else if (unit == "ms")
            mult = kMs;
        else if (unit == "s")
            mult = kSec;
        else if (unit == "m")
            mult = 60 * kSec;
        else if (unit == "h")
            mult = 3600 * kSec;
        else
            return std::nullopt;
        // exact decimal: whole and fraction separately
        auto dot = num.find('.');
        std::int64_t whole = 0, frac = 0, scale = 1;
        std::string_view w = num.substr(0, dot);
        if (!w.empty()) {
            auto r = std::from_chars(w.data(), w.data() + w.size(), whole);
            if (r.ec != std::errc() || r.ptr != w.data() + w.size()) return std::nullopt;
        }
        if (dot != std::string_view::npos) {
            std::string_view f = num.substr(dot + 1);
            if (f.find('.') != std::string_view::npos || f.size() > 9) return std::nullopt;
            for (char c : f) {
                frac = frac * 10 + (c - '0');
                scale *= 10;
            }
        }
        if (whole > (INT64_MAX / mult) / 2) return std::nullopt;
        total += whole * mult + frac * mult / scale;
        any = true;
        s.remove_prefix(j);
    }
    if (!any) return std::nullopt;
    return total;
}

std::string formatDuration(std::int64_t ns) {
    char buf[64];
    auto trim = [](std::string s) {
        if (s.find('.') != std::string::npos) {
            while (!s.empty() && s.back() == '0') s.pop_back();
            if (!s.empty() && s.back() == '.') s.pop_back();
        }
        return s;
    };
    if (ns < 0) return "-" + formatDuration(-ns);
    if (ns < 1000) return std::to_string(ns) + "ns";
    if (ns < kMs) {
        std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1e3);
        return trim(buf) + "us";
    }
    if (ns < kSec) {
        std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1e6);
        return trim(buf) + "ms";
    }
    if (ns < 60 * kSec) {
        std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1e9);
        return trim(buf) + "s";
    }
    std::int64_t secs = ns / kSec;
    std::string out;
    if (secs >= 3600) out += std::to_string(secs / 3600) + "h";
    if (secs % 3600 >= 60) out += std::to_string(secs % 3600 / 60) + "m";
    if (secs % 60) out += std::to_string(secs % 60) + "s";
    return out;
}

bool globMatch(std::string_view p, std::string_view t) {
    std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
    while (ti < t.size()) {
        if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
            ++pi;
            ++ti;
        } else if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = ti;
        } else if (star != std::string_view::npos) {
            pi = star + 1;
            ti = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

std::string ScenarioEvent::describe() const {
    switch (kind) {
    case Kind::PodUnready: return "Pod " + target + " becomes unready";
    case Kind::PodReady: return "Pod " + target + " becomes ready";
    case Kind::PodDeleted: return "Pod " + target + " is deleted";
    case Kind::PodAdded: return "Pod " + target + " is added (like " + like + ")";
    case Kind::Scale: return "Service " + target + " is scaled to " + std::to_string(number) + " ready endpoint(s)";
    case Kind::CanaryWeight:
        return "canary Ingress " + target + " gets canary-weight " + std::to_string(number) +
            (weightTotal ? "/" + std::to_string(*weightTotal) : std::string());
    case Kind::Apply: {
        std::string list;
        for (const auto& f : files) list += (list.empty() ? "" : ", ") + f;
        return "manifests applied: " + list;
    }
    case Kind::ServiceTime: return "Pod(s) " + target + " now take " + serviceTime.describe();
    }
    return {};
}

// ---- parsing ----------------------------------------------------------------------------------

namespace {

class Parser {
public:
    Parser(std::shared_ptr<const std::string> file, std::string baseDir, model::Diagnostics& diags)
        : file_(std::move(file)), baseDir_(std::move(baseDir)), diags_(diags) {}

    void error(const model::DocNode& at, std::string field, std::string message) {
        model::Diagnostic d;
        d.severity = model::Severity::Error;
        d.loc = {file_, at.mark.line, at.mark.col};
        d.field = std::move(field);
        d.message = std::move(message);
        d.code = "scenario";
        diags_.push_back(std::move(d));
    }

    std::optional<std::int64_t> duration(const model::DocNode& n, const std::string& field) {
        if (!n.isScalar()) {
            error(n, field, "expected a duration such as 20ms, 1.5s or 2m");
            return std::nullopt;
        }
        auto d = parseDuration(n.text());
        if (!d) error(n, field, "`" + n.scalar + "` is not a duration (20ms, 1.5s, 250us, 2m, 1h)");
        return d;
    }

    std::optional<int> positiveInt(const model::DocNode& n, const std::string& field, int min = 1) {
        int v = 0;
        std::string_view t = n.text();
        auto r = std::from_chars(t.data(), t.data() + t.size(), v);
        if (!n.isScalar() || r.ec != std::errc() || r.ptr != t.data() + t.size() || v < min) {
            error(n, field, "expected a whole number ≥ " + std::to_string(min));
            return std::nullopt;
        }
        return v;
    }

    std::optional<Distribution> distribution(const model::DocNode& n, const std::string& field) {
        Distribution d;
        if (n.isScalar()) {  // shorthand: a constant
            auto v = duration(n, field);
            if (!v) return std::nullopt;
            d.kind = Distribution::Kind::Constant;
            d.a = *v;
            return d;
        }
        if (!n.isMap()) {
            error(n, field, "expected a duration or {distribution: ..., ...}");
            return std::nullopt;
        }
        const model::DocNode* kind = n.find("distribution");
        if (!kind || !kind->isScalar()) {
            error(n, field, "missing `distribution` (constant, exponential, lognormal or uniform)");
            return std::nullopt;
        }
        auto need = [&](const char* key) -> std::optional<std::int64_t> {
            const model::DocNode* v = n.find(key);
            if (!v) {
                error(n, field, std::string("the ") + kind->scalar + " distribution needs `" + key + "`");
                return std::nullopt;
            }
            return duration(*v, field + "." + key);
        };
        std::string k = kind->scalar;
        for (const auto& [key, v] : n.members)
            if (key != "distribution" && key != "value" && key != "mean" && key != "median" && key != "p99" &&
                key != "min" && key != "max")
                error(v, field + "." + key, "unknown key `" + key + "`");
        if (k == "constant") {
            auto v = need("value");
            if (!v) return std::nullopt;
            d.kind = Distribution::Kind::Constant;
            d.a = *v;
        } else if (k == "exponential") {
            auto v = need("mean");
            if (!v) return std::nullopt;
            d.kind = Distribution::Kind::Exponential;
            d.a = *v;
        } else if (k == "lognormal") {
            auto m = need("median");
            auto p = need("p99");
            if (!m || !p) return std::nullopt;
            if (*p < *m) {
                error(n, field, "p99 must not be below the median");
                return std::nullopt;
            }
            d.kind = Distribution::Kind::LogNormal;
            d.a = *m;
            d.b = *p;
        } else if (k == "uniform") {
            auto lo = need("min");
            auto hi = need("max");
            if (!lo || !hi) return std::nullopt;
            if (*hi < *lo) {
                error(n, field, "max must not be below min");
                return std::nullopt;
            }
            d.kind = Distribution::Kind::Uniform;
            d.a = *lo;
            d.b = *hi;
        } else {
            error(*kind, field + ".distribution",
                  "unknown distribution `" + k + "` (constant, exponential, lognormal, uniform)");
            return std::nullopt;
        }
        return d;
    }

    PodSettings settings(const model::DocNode& n, const std::string& field) {
        PodSettings s;
        if (!n.isMap()) {
            error(n, field, "expected a map with serviceTime, concurrency and/or queueLimit");
            return s;
        }
        for (const auto& [key, v] : n.members) {
            if (key == "serviceTime")
                s.serviceTime = distribution(v, field + ".serviceTime");
            else if (key == "concurrency")
                s.concurrency = positiveInt(v, field + ".concurrency");
            else if (key == "queueLimit")
                s.queueLimit = positiveInt(v, field + ".queueLimit", 0);
            else
                error(v, field + "." + key, "unknown key `" + key + "` (serviceTime, concurrency, queueLimit)");
        }
        return s;
    }

    bool objectName(const model::DocNode& n, const std::string& field, std::string& out) {
        if (!n.isScalar() || n.scalar.find('/') == std::string::npos || n.scalar.front() == '/' ||
            n.scalar.back() == '/') {
            error(n, field, "expected namespace/name");
            return false;
        }
        out = n.scalar;
        return true;
    }

    void event(const model::DocNode& n, const std::string& field, Scenario& sc) {
        if (!n.isMap()) {
            error(n, field, "an event is a map: {at: 5m, podUnready: ns/name}");
            return;
        }
        ScenarioEvent e;
        e.loc = {file_, n.mark.line, n.mark.col};
        const model::DocNode* at = n.find("at");
        if (!at) {
            error(n, field, "missing `at` (an offset from the trace's first request such as 5m, or an RFC 3339 time)");
            return;
        }
        if (auto abs = trace::parseIso8601(at->text())) {
            e.atNs = *abs;
            e.absolute = true;
        } else if (auto off = parseDuration(at->text())) {
            e.atNs = *off;
        } else {
            error(*at, field + ".at", "`" + at->scalar + "` is neither a duration (5m, 90s) nor an RFC 3339 time");
            return;
        }
        int kinds = 0;
        for (const auto& [key, v] : n.members) {
            if (key == "at") continue;
            std::string f = field + "." + key;
            ++kinds;
            if (key == "podUnready" || key == "podReady" || key == "podDeleted") {
                e.kind = key == "podUnready" ? ScenarioEvent::Kind::PodUnready
                    : key == "podReady"      ? ScenarioEvent::Kind::PodReady
                                             : ScenarioEvent::Kind::PodDeleted;
                if (!objectName(v, f, e.target)) return;
            } else if (key == "podAdded") {
                e.kind = ScenarioEvent::Kind::PodAdded;
                const model::DocNode* name = v.find("name");
                const model::DocNode* like = v.find("like");
                if (!v.isMap() || !name || !like) {
                    error(v, f, "expected {name: ns/new-pod, like: ns/existing-pod[, ip: 10.1.2.3]}");
                    return;
                }
                if (!objectName(*name, f + ".name", e.target) || !objectName(*like, f + ".like", e.like)) return;
                if (const model::DocNode* ip = v.find("ip")) e.ip = ip->scalar;
            } else if (key == "scale") {
                e.kind = ScenarioEvent::Kind::Scale;
                const model::DocNode* svc = v.find("service");
                const model::DocNode* rep = v.find("replicas");
                if (!v.isMap() || !svc || !rep) {
                    error(v, f, "expected {service: ns/name, replicas: N}");
                    return;
                }
                if (!objectName(*svc, f + ".service", e.target)) return;
                auto r = positiveInt(*rep, f + ".replicas", 0);
                if (!r) return;
                e.number = *r;
            } else if (key == "canaryWeight") {
                e.kind = ScenarioEvent::Kind::CanaryWeight;
                const model::DocNode* ing = v.find("ingress");
                const model::DocNode* w = v.find("weight");
                if (!v.isMap() || !ing || !w) {
                    error(v, f, "expected {ingress: ns/canary-ingress, weight: N[, total: T]}");
                    return;
                }
                if (!objectName(*ing, f + ".ingress", e.target)) return;
                auto weight = positiveInt(*w, f + ".weight", 0);
                if (!weight) return;
                e.number = *weight;
                if (const model::DocNode* t = v.find("total")) {
                    auto total = positiveInt(*t, f + ".total", 1);
                    if (!total) return;
                    e.weightTotal = *total;
                }
            } else if (key == "apply") {
                e.kind = ScenarioEvent::Kind::Apply;
                auto addPath = [&](const model::DocNode& p) {
                    if (!p.isScalar() || p.scalar.empty()) {
                        error(p, f, "expected a manifest file or folder");
                        return false;
                    }
                    fs::path path(p.scalar);
                    if (path.is_relative() && !baseDir_.empty()) path = fs::path(baseDir_) / path;
                    e.files.push_back(path.lexically_normal().string());
                    return true;
                };
                if (v.isSequence()) {
                    for (const auto& item : v.items)
                        if (!addPath(item)) return;
                } else if (!addPath(v)) {
                    return;
                }
            } else if (key == "serviceTime") {
                e.kind = ScenarioEvent::Kind::ServiceTime;
                const model::DocNode* pod = v.find("pod");
                const model::DocNode* st = v.find("serviceTime");
                if (!v.isMap() || !pod || !st) {
                    error(v, f, "expected {pod: ns/name-or-pattern, serviceTime: ...}");
                    return;
                }
                e.target = pod->scalar;
                auto d = distribution(*st, f + ".serviceTime");
                if (!d) return;
                e.serviceTime = *d;
            } else {
                error(v, f,
                      "unknown event `" + key +
                          "` (podUnready, podReady, podDeleted, podAdded, scale, canaryWeight, apply, serviceTime)");
                return;
            }
        }
        if (kinds != 1) {
            error(n, field, kinds == 0 ? "the event says only when, not what" : "one event per list item");
            return;
        }
        sc.events.push_back(std::move(e));
    }

    std::shared_ptr<const std::string> file_;
    std::string baseDir_;
    model::Diagnostics& diags_;
};

}  // namespace

ScenarioLoad parseScenario(std::string_view text, const std::string& name, const std::string& baseDir) {
    ScenarioLoad out;
    auto file = std::make_shared<const std::string>(name);
    auto docs = model::readYamlDocuments(text, file, out.diagnostics);
    if (!out.diagnostics.empty()) return out;
    Scenario sc;
    sc.source = name;
    if (docs.empty() || docs.front().root.isNull()) {
        out.scenario = std::move(sc);  // an empty scenario: defaults only
        return out;
    }
    Parser p(file, baseDir, out.diagnostics);
    const model::DocNode& root = docs.front().root;
    if (!root.isMap()) {
        p.error(root, "", "a scenario is a map with defaults, services, pods and events");
        return out;
    }
    for (const auto& [key, v] : root.members) {
        if (key == "defaults") {
            PodSettings d = p.settings(v, "defaults");
            if (d.serviceTime) sc.defaultServiceTime = *d.serviceTime;
            if (d.concurrency) sc.defaultConcurrency = *d.concurrency;
            if (d.queueLimit) sc.defaultQueueLimit = *d.queueLimit;
        } else if (key == "services" || key == "pods") {
            if (!v.isMap()) {
                p.error(v, key, "expected a map from ns/name (or a pattern with *) to settings");
                continue;
            }
            for (const auto& [pattern, s] : v.members) {
                if (pattern.find('/') == std::string::npos) {
                    p.error(s, key + "." + pattern, "keys are namespace/name (patterns with * allowed)");
                    continue;
                }
                (key == "services" ? sc.services : sc.pods).emplace_back(pattern, p.settings(s, key + "." + pattern));
            }
        } else if (key == "events") {
            if (!v.isSequence()) {
                p.error(v, "events", "expected a list of events");
                continue;
            }
            for (std::size_t i = 0; i < v.items.size(); ++i)
                p.event(v.items[i], "events[" + std::to_string(i) + "]", sc);
        } else {
            p.error(v, key, "unknown key `" + key + "` (defaults, services, pods, events)");
        }
    }
    if (model::countSeverity(out.diagnostics, model::Severity::Error)) return out;
    std::stable_sort(sc.events.begin(), sc.events.end(), [](const ScenarioEvent& a, const ScenarioEvent& b) {
        if (a.absolute != b.absolute) return !a.absolute;  // resolved later against the trace start
        return a.atNs < b.atNs;
    });
    out.scenario = std::move(sc);
    return out;
}

ScenarioLoad loadScenario(const std::string& path) {
    ScenarioLoad out;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        model::Diagnostic d;
        d.message = path + ": cannot read the scenario file";
        d.code = "scenario.file";
        out.diagnostics.push_back(std::move(d));
        return out;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return parseScenario(ss.str(), path, fs::path(path).parent_path().string());
}

}  // namespace hs::replay
