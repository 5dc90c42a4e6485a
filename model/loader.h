#pragma once
// Loading manifests from files, folders, standard input or in-memory text into a ClusterState:
// YAML or JSON, many documents per file, `kind: List`, Helm and Kustomize output as-is. Every
// problem becomes a located Diagnostic; whatever is valid still loads.

#include "model/cluster_state.h"
#include "model/decode.h"
#include "model/derive.h"
#include "model/diagnostic.h"
#include "model/doc_reader.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hs::model {

struct LoadOptions {
    DecodeOptions decode;
    ReadLimits limits;
    bool derive = true;  // synthetic Pods, Pod IPs and EndpointSlices for what manifests leave out
    bool validate = true;  // API-server validation of every object
    unsigned threads = 0;  // 0 = one per core
    std::size_t maxFileBytes = std::size_t{1} << 30;
    std::string source;  // description for ClusterState::source(); derived from paths when empty
};

struct LoadStats {
    std::size_t files = 0;
    std::size_t documents = 0;
    std::size_t objects = 0;  // objects read (before derivation)
    std::map<std::string, int> skippedKinds;  // "apiVersion Kind" -> count (CRDs, RBAC, ...)
    DeriveStats derived;
};

struct LoadResult {
    std::shared_ptr<const ClusterState> state;
    Diagnostics diagnostics;  // sorted by location
    LoadStats stats;
    bool inputError = false;  // a path could not be read at all (CLI exit code 2)
};

struct InputText {
    std::string name;  // shown in diagnostics, e.g. "<stdin>" or "demo/shop.yaml"
    std::string text;
};

// Paths are files or folders (recursive: *.yaml, *.yml, *.json; hidden entries skipped), or "-"
// for standard input.
LoadResult loadManifests(const std::vector<std::string>& paths, const LoadOptions& options = {});
// The manifest files a folder holds, as loadManifests reads them: recursive, *.yaml, *.yml and
// *.json (any case), hidden files and folders skipped, sorted by path. `error` says why the walk
// stopped early (what was found until then is returned).
std::vector<std::string> manifestFilesIn(const std::string& folder, std::string& error);
LoadResult loadTexts(std::vector<InputText> inputs, const LoadOptions& options = {});

// Resolves a field path of an object read from a file to its position, by reading the object's
// source document again (used for findings made after loading, e.g. lint of references).
SourceLoc locateInSource(const ObjectMeta& meta, std::string_view fieldPath);

}  // namespace hs::model
