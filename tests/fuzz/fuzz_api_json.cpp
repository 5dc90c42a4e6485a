// API responses from a live cluster: a list body split item by item (ListStreamSplitter), each
// item and watch event decoded (ObjectDecoder, simdjson), and a Secret decoded for its certificate.
// The first byte picks the resource kind.
#include "fuzz_util.h"
#include "kubeclient/json_stream.h"
#include "kubeclient/object_decoder.h"
#include "kubeclient/resources.h"

#include <fuzzer/FuzzedDataProvider.h>

namespace {

hs::kube::ApiResource resourceFor(const hs::kube::WantedResource& w) {
    hs::kube::ApiResource r;
    r.group = w.group;
    r.version = w.versions.front();
    r.resource = w.resource;
    r.kind = w.kind;
    r.namespaced = w.namespaced;
    r.modelKind = w.modelKind;
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const auto& wanted = hs::kube::wantedResources();
    hs::kube::ApiResource res = resourceFor(wanted[in.ConsumeIntegralInRange<std::size_t>(0, wanted.size() - 1)]);
    std::size_t chunk = in.ConsumeIntegralInRange<std::size_t>(1, 4096);
    std::string body = in.ConsumeRemainingBytesAsString();

    static hs::kube::ObjectDecoder decoder;  // one per thread, reused as the reflectors reuse theirs
    hs::kube::ListStreamSplitter split(1 << 20);
    for (std::size_t at = 0; at < body.size(); at += chunk) {
        auto fed = split.feed(std::string_view(body).substr(at, chunk),
                              [&](std::string_view item) { (void)decoder.decodeItem(item, res); });
        if (!fed) break;
    }
    (void)split.finish();
    (void)split.member("metadata");
    (void)decoder.decodeEvent(body, res);
    std::string pem;
    (void)decoder.decodeSecret(body, &pem);
    (void)decoder.takeDiagnostics();
    return 0;
}
