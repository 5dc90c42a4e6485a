#include "resources/demo.h"

namespace hs::demo {

std::span<const EmbeddedFile> manifests() { return {detail::kFiles, detail::kFileCount}; }

model::LoadResult load(const model::LoadOptions& options) {
    std::vector<model::InputText> inputs;
    for (const auto& f : manifests()) inputs.push_back({std::string("demo/") + f.name, f.text});
    model::LoadOptions opt = options;
    if (opt.source.empty()) opt.source = "demo";
    return model::loadTexts(std::move(inputs), opt);
}

}  // namespace hs::demo
