#pragma once
// Requests for the differential test, generated from the rules of a configuration and mutated
// the ways real traffic and attackers vary them: case, host ports and trailing dots, wildcard
// label counts, trailing slashes, extra segments, near-miss prefixes, percent-encoding (good and
// bad), dot segments, double slashes, queries, fragments, regex edge cases, unknown hosts.
// Deterministic for a seed (its own generator, no std:: distributions), so a failure is
// reproducible from the report alone.

#include "simulator/nginx/config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hs::test {

struct TestRequest {
    std::string host;  // the Host header as sent
    bool hasHost = true;  // false: an HTTP/1.0 request without Host
    std::string target;  // the request-target, raw
    bool https = false;  // sent as if over TLS (X-Test-Scheme: https)
    std::string clientIp = "203.0.113.10";
    std::string mutation;  // which mutation produced it ("pct-slash", "host-upper", ...)
};

// splitmix64: small, fast, and the same sequence on every platform.
class SeedRng {
public:
    explicit SeedRng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t next();
    std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(next() % n) : 0; }
    bool chance(unsigned percent) { return below(100) < percent; }

private:
    std::uint64_t s_;
};

// A string the regex `pattern` matches from its start (nginx location regexes are anchored
// with ^), chosen at random among the shapes it allows; nullopt for syntax it does not know.
std::optional<std::string> sampleRegex(const std::string& pattern, SeedRng& rng);

// Percent-encodes what may not appear raw in a request-target (space, %, ?, #, controls, bytes
// ≥ 0x7f, and a few delimiters), so that nginx's $uri decodes back to `path`.
std::string encodeForTarget(const std::string& path);

// Every mutation of a raw target, each with its class name.
std::vector<std::pair<std::string, std::string>> mutatePath(const std::string& target);

struct GeneratorOptions {
    std::uint64_t seed = 1;
    std::size_t perHostSamples = 25;  // own paths sent with each secondary host variant
    std::size_t crossSamples = 1500;  // random host × path pairs across the whole configuration
    unsigned httpsPercent = 25;
};

std::vector<TestRequest> generateRequests(const sim::nginx::Config& config, const GeneratorOptions& options);

// The raw HTTP request the test sends for `r`.
std::string rawRequest(const TestRequest& r);

}  // namespace hs::test
