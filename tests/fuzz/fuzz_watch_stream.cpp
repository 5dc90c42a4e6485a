// Watch stream framing: concatenated JSON events cut into chunks at fuzzer-chosen places; each
// framed value is decoded as a watch event. Framing must not depend on where the cuts fall.
#include "fuzz_util.h"
#include "kubeclient/json_stream.h"
#include "kubeclient/object_decoder.h"
#include "kubeclient/resources.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    std::vector<std::size_t> cuts;
    for (int i = in.ConsumeIntegralInRange<int>(0, 8); i > 0; --i)
        cuts.push_back(in.ConsumeIntegralInRange<std::size_t>(1, 64));
    std::string stream = in.ConsumeRemainingBytesAsString();

    hs::kube::ApiResource pods{"", "v1", "pods", "Pod", true, hs::model::Kind::Pod};
    static hs::kube::ObjectDecoder decoder;

    // Framed whole, and framed in chunks: the same values, in the same order.
    std::vector<std::string> whole, chunked;
    hs::kube::JsonValueFramer a(1 << 20), b(1 << 20);
    auto okWhole = a.feed(stream, [&](std::string_view v) { whole.emplace_back(v); });
    bool okChunked = true;
    std::size_t at = 0, c = 0;
    while (at < stream.size() && okChunked) {
        std::size_t n = cuts.empty() ? stream.size() : cuts[c++ % cuts.size()];
        okChunked = static_cast<bool>(
            b.feed(std::string_view(stream).substr(at, n), [&](std::string_view v) { chunked.emplace_back(v); }));
        at += n;
    }
    if (okWhole && okChunked && whole != chunked) std::abort();  // framing depended on the chunking
    for (const auto& v : whole) (void)decoder.decodeEvent(v, pods);
    (void)a.midValue();
    (void)decoder.takeDiagnostics();
    return 0;
}
