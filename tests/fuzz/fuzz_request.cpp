// Request parsing as `hopscope-cli route` gets it: a URL (parseUrl), "Name: value" headers, nginx's
// $uri normalization, host/port/cookie/argument accessors, and an nginx variable expression
// (upstream-hash-by, canary-by-header-pattern keys) evaluated against the request.
#include "fuzz_util.h"
#include "simulator/balancer.h"
#include "simulator/request.h"
#include "simulator/uri.h"

#include <fuzzer/FuzzedDataProvider.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    std::string url = in.ConsumeRandomLengthString(512);
    std::string expr = in.ConsumeRandomLengthString(128);
    std::string name = in.ConsumeRandomLengthString(64);
    hs::sim::ParsedUrl p = hs::sim::parseUrl(url);
    hs::sim::Request& r = p.request;
    while (in.remaining_bytes() > 0) {
        std::string line = in.ConsumeRandomLengthString(256);
        auto colon = line.find(':');
        if (colon == std::string::npos || colon == 0) continue;
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers.push_back({line.substr(0, colon), value});
    }
    std::string uri;
    (void)hs::sim::uriErrorText(hs::sim::normalizeUri(r.path(), uri));
    (void)r.query();
    (void)r.hostName();
    (void)r.hostPort();
    (void)r.header(name);
    (void)r.cookie(name);
    (void)r.arg(name);
    hs::sim::VarExpr var(expr);
    std::string out;
    var.eval(r, uri, out);
    (void)var.unknownVariables();
    return 0;
}
