#pragma once
// Route checks in the style of Envoy's router check tool: a file of requests with the decision
// each should get; run them against a snapshot and a profile, report pass/fail per request and
// the rules no request reached (coverage). The same format drives the golden test folders
// (tests/golden/README.md) and `hopscope-cli check` (docs/check.md).

#include "model/cluster_state.h"
#include "model/diagnostic.h"
#include "simulator/decision.h"
#include "simulator/request.h"
#include "simulator/route_table.h"

#include <optional>
#include <string>
#include <vector>

namespace hs::sim {

struct Expectation {
    std::optional<std::string> outcome;
    std::optional<int> status;  // 0 = expect null
    std::optional<int> servicePort;
    std::optional<bool> canary;
    // string fields of the Decision by JSON name: service, ingress, routeKind, host, path,
    // pathType, upstreamPath, location, tlsCertificate, server, endpoint, pod, node, upstream
    std::vector<std::pair<std::string, std::string>> fields;
    std::vector<std::string> explains;  // substrings the hop texts must contain
    std::vector<std::pair<std::string, double>>
        share;  // with repeat: fraction per Service ("ns/name", "ns/name 500", "default-backend 404")
    double tolerance = 0.03;
};

struct RouteTest {
    std::string name;
    Request request;
    Expectation expect;
    std::optional<Profile> profile;  // overrides the file's
    std::optional<std::uint64_t> seed;
    int repeat = 1;  // route it this many times in one session; every result must match
    model::SourceLoc loc;
};

struct TestFile {
    std::optional<Profile> profile;
    std::string gateway, gceIngress, ingressClass;  // ProfileOptions overrides (`options:`)
    std::uint64_t seed = 1;
    std::vector<std::string> lint;  // substrings of lint findings (code or message) that must appear
    std::vector<RouteTest> tests;
    model::Diagnostics problems;  // format errors, located
};

TestFile parseTestFile(std::string_view text, const std::string& fileName);
TestFile loadTestFile(const std::string& path);

struct Mismatch {
    std::string field;
    std::string expected;
    std::string actual;
};

struct TestResult {
    const RouteTest* test = nullptr;
    bool passed = false;
    Decision decision;  // the first failing decision, else the last
    std::vector<Mismatch> mismatches;
};

struct LintResult {
    std::string expected;
    bool found = false;
};

// A routing rule of the snapshot, for coverage: an Ingress path or an HTTPRoute match.
struct RuleRef {
    std::string kind;  // Ingress | HTTPRoute
    std::string object;  // ns/name
    std::string host;
    std::string path;
    std::string pathType;
    std::string service;  // the backend Service (ns/name), for canary coverage
    std::string display() const;
};

struct CheckReport {
    std::vector<TestResult> results;
    std::vector<LintResult> lint;
    std::string lintText;  // all findings, for failure messages
    std::vector<RuleRef> rules;
    std::vector<bool> covered;  // parallel to rules
    std::size_t passed = 0, failed = 0;
    double coveragePercent() const;
};

struct CheckOptions {
    // Route every request a second time in fast mode (no hop text) and require the same decision.
    bool verifyFastMode = false;
};

CheckReport runChecks(const TestFile& file, std::shared_ptr<const model::ClusterState> state,
                      const ProfileOptions& defaults, const CheckOptions& options = {});

// Compares one decision with an expectation; appends mismatches (`explained`: hops were filled).
void compare(const Expectation& e, const Decision& d, bool explained, std::vector<Mismatch>& out);

}  // namespace hs::sim
