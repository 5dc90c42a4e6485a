#pragma once
// Route checks in the style of Envoy's router check tool: a file of requests with the decision
// each should get; run them against a snapshot and a profile, report pass/fail per test and the
// rules no test reached (coverage). The file format is documented in docs/check.md.

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
    std::optional<std::string> service;
    std::optional<int> servicePort;
    std::optional<std::string> ingress;
    std::optional<std::string> host;
    std::optional<std::string> path;
    std::optional<std::string> pathType;
    std::optional<std::string> upstreamPath;
    std::optional<std::string> location;  // redirect Location
    std::optional<bool> canary;
    std::optional<std::string> pod;
    std::optional<std::string> endpoint;
    std::optional<std::string> tlsCertificate;
};

struct RouteTest {
    std::string name;
    Request request;
    Expectation expect;
    std::optional<Profile> profile;  // overrides the file's
    std::uint64_t seed = 1;
    int repeat = 1;  // route the request this many times (canary weights); every result must match
    model::SourceLoc loc;
};

struct TestFile {
    std::optional<Profile> profile;
    std::vector<RouteTest> tests;
    model::Diagnostics problems;  // parse errors, located
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
    Decision decision;  // the (first failing, else last) decision
    std::vector<Mismatch> mismatches;
};

// A routing rule of the snapshot, for coverage: an Ingress path or an HTTPRoute rule.
struct RuleRef {
    std::string kind;  // Ingress | HTTPRoute
    std::string object;  // ns/name
    std::string host;
    std::string path;
    std::string pathType;
    std::string display() const;
};

struct CheckReport {
    std::vector<TestResult> results;
    std::vector<RuleRef> rules;     // every rule of the snapshot the profile serves
    std::vector<bool> covered;      // parallel to rules
    std::size_t passed = 0, failed = 0;
    double coveragePercent() const;
};

CheckReport runChecks(const TestFile& file, std::shared_ptr<const model::ClusterState> state,
                      const ProfileOptions& defaults);

// Compares a decision with an expectation; appends mismatches.
void compare(const Expectation& e, const Decision& d, std::vector<Mismatch>& out);

}  // namespace hs::sim
