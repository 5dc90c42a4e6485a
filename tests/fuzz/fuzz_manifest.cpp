// Manifest loading: YAML (multi-document, anchors, tags) or JSON (objects, arrays, JSON Lines),
// decoded, validated and derived exactly as `hopscope-cli lint -f FILE` does.
#include "fuzz_util.h"
#include "model/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hs::model::LoadOptions options;
    options.threads = 1;
    // Smaller limits than the defaults keep each run fast; the limits' code paths are the same.
    options.limits.maxNodesPerDocument = 20'000;
    std::vector<hs::model::InputText> inputs;
    inputs.push_back({"fuzz.yaml", std::string(hs::fuzz::asText(data, size))});
    hs::model::LoadResult r = hs::model::loadTexts(std::move(inputs), options);
    for (const auto& d : r.diagnostics) (void)d.format();
    return 0;
}
