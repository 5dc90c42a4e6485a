#pragma once
// The bundled demo cluster: a shop, a blog and a multi-tenant platform that together exercise
// every routing feature Hopscope models. See resources/demo/README.md for the tour.

#include "model/loader.h"

#include <span>
#include <string_view>

namespace hs::demo {

struct EmbeddedFile {
    const char* name;
    const char* text;
};

std::span<const EmbeddedFile> manifests();

// The demo as a snapshot (files named "demo/<file>"), with the loader's diagnostics.
model::LoadResult load(const model::LoadOptions& options = {});

namespace detail {
extern const EmbeddedFile kFiles[];
extern const std::size_t kFileCount;
}  // namespace detail

}  // namespace hs::demo
