#pragma once
// Diff: one trace through two route tables — two manifest sets, or two profiles (ingress-nginx
// Ingresses against the Gateway API HTTPRoutes that replace them) — and every request whose
// outcome, status, Service, rewritten path or redirect changes, grouped by (before → after) with
// counts and example requests (docs/diff.md).
//
// Both sides route each request with the same choice key (RouteOptions::choiceKey from the seed
// and the line), so a canary weight roll is the same number on both sides: a request changes
// canary side only if the configurations differ for it (e.g. the weight moved past its roll).

#include "simulator/decision.h"
#include "simulator/replay/summary.h"
#include "simulator/route_table.h"
#include "simulator/trace/trace_reader.h"

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace hs::model {
class JsonWriter;
}

namespace hs::replay {

struct DiffOptions {
    std::uint64_t seed = 1;
    std::string host;  // Host for requests whose trace records none (else inferred on the before side)
    std::size_t maxExamples = 3;
    std::string beforeLabel = "before", afterLabel = "after";
    bool strict = false;
    std::function<void(const std::string&)> onProblem;  // bad lines, "file:line: why"
    std::function<bool(std::uint64_t lines)> progress;  // false cancels
};

// One side of a change, in the terms the group is keyed by.
struct DiffSide {
    std::string outcome;  // routed, redirect, ...
    int status = 0;  // what the controller answers (0 = proxied)
    std::string service;  // "ns/name" ("" when none)
    bool canary = false;
    std::string rule;  // "Ingress shop/api Prefix /api" (same-profile diffs only)
    std::string rewrite;  // "rewritten" when the upstream path differs from the request's
    std::string redirect;  // the redirect target with the request's own path replaced by {path}
    bool operator<(const DiffSide& o) const;
    bool operator==(const DiffSide& o) const;
    std::string describe() const;  // "routed → shop/api (canary)", "redirect 308 → https://{host}{path}"
};

struct DiffGroup {
    DiffSide before, after;
    std::vector<std::string>
        changed;  // which aspects differ: outcome, status, service, canary, rule, rewrite, redirect
    std::uint64_t count = 0;
    struct Example {
        std::string where;  // "access.log:12"
        std::string request;  // "GET https://shop.example.com/api/x"
        std::string before, after;  // the specific values (paths, locations)
    };
    std::vector<Example> examples;
};

struct DiffReport {
    std::string trace, format, beforeLabel, afterLabel, beforeProfile, afterProfile;
    std::uint64_t lines = 0, requests = 0, bad = 0, skipped = 0, changed = 0;
    std::vector<ReasonRow> badReasons, skippedReasons;
    std::string inputError;
    bool cancelled = false, stoppedByStrict = false;
    std::uint64_t hostsInferred = 0, hostsAmbiguous = 0, hostsFailed = 0, schemesSwitched = 0;
    std::vector<DiffGroup> groups;  // most requests first

    void writeJson(model::JsonWriter& w) const;
    void writeText(std::ostream& out) const;
};

DiffReport diffTrace(trace::TraceReader& reader, std::shared_ptr<const sim::RouteTable> before,
                     std::shared_ptr<const sim::RouteTable> after, const DiffOptions& options);

}  // namespace hs::replay
