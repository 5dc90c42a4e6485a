#pragma once
// Writing a ClusterState back out as Kubernetes YAML manifests: what `hopscope-cli snapshot`
// saves so a live cluster can be loaded offline (`-f DIR`) for what-if edits. Every field the
// model keeps is written with its API name; nothing else exists to write. Output is
// deterministic (objects sorted by namespace and name, keys in API order).
//
// Secrets: the model keeps only the facts of a TLS certificate, never key material. A Secret is
// written as `type: kubernetes.io/tls` with `tls.crt` only (the PEM comes from the caller, who
// fetched it) and an annotation saying the key was left out; without a PEM, only its type and
// metadata are written. Derived objects (synthesised by Hopscope from manifests) are skipped.

#include "model/cluster_state.h"

#include <functional>
#include <string>
#include <vector>

namespace hs::model {

struct ManifestWriterOptions {
    std::string header;  // comment lines written at the top of each file (without '#')
    // Certificate PEM of a TLS Secret ("ns/name" -> PEM); empty when unknown.
    std::function<std::string(const std::string& ns, const std::string& name)> certificatePem;
};

struct ManifestFile {
    std::string name;  // "ingresses.yaml"
    std::string text;
    std::size_t objects = 0;
};

// One multi-document YAML file per kind that has objects, in Kind order.
std::vector<ManifestFile> writeManifests(const ClusterState& state, const ManifestWriterOptions& options = {});

// A YAML scalar for `s`: plain when that reads back as the same string, else double-quoted.
std::string yamlString(std::string_view s);

}  // namespace hs::model
