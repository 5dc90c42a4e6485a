#pragma once
// Decoding DocNode trees (from YAML, JSON or the API server) into typed objects. Decoding is
// lenient where Kubernetes is strict: a wrongly typed field is reported as an error and coerced
// when that is unambiguous, so one mistake does not hide the rest of a manifest.

#include "model/cluster_state.h"
#include "model/doc.h"

#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace hs::model {

using AnyObject = std::variant<Ptr<Namespace>, Ptr<Node>, Ptr<IngressClass>, Ptr<Ingress>, Ptr<Service>,
                               Ptr<EndpointSlice>, Ptr<Pod>, Ptr<Workload>, Ptr<Secret>, Ptr<ConfigMap>,
                               Ptr<GatewayClass>, Ptr<Gateway>, Ptr<HTTPRoute>, Ptr<ReferenceGrant>>;

const ObjectMeta& metaOf(const AnyObject& o);
Kind kindOf(const AnyObject& o);
void addTo(ClusterStateBuilder& b, AnyObject o);

// A legacy v1 Endpoints object, kept apart: it becomes EndpointSlices only for Services that have
// none (see derive.h), as the EndpointSlice mirroring controller does.
struct LegacyEndpoints {
    ObjectMeta meta;
    std::vector<EndpointSlice> slices;  // converted form
};

struct DecodeOptions {
    std::string defaultNamespace = "default";  // for namespaced objects that name none
    bool keepSourceText = true;  // attach SourceDocument (GUI shows the YAML)
};

struct DecodedObject {
    AnyObject object;
    const DocNode* node = nullptr;  // the object's node inside the document (for locating fields)
};

struct DecodeOutput {
    std::vector<DecodedObject> objects;
    std::vector<LegacyEndpoints> endpoints;
    std::map<std::string, int> skippedKinds;  // "apiextensions.k8s.io/v1 CustomResourceDefinition" -> n
    std::size_t documents = 0;
};

struct DecodeContext {
    std::shared_ptr<const std::string> file;  // may be null (live objects)
    std::uint32_t docFirstLine = 1;
    std::string_view docText;  // kept as SourceDocument text when options ask for it
    std::uint32_t loadOrder = 0;  // incremented for each object decoded
    DecodeOptions options;
    Diagnostics* diags = nullptr;
};

// Decodes one document root: an object, a `kind: List`/`*List` of objects, or nothing useful
// (reported). Objects are appended to `out`.
void decodeDocument(const DocNode& root, DecodeContext& ctx, DecodeOutput& out);

// Decodes a single object whose kind is known (API list items carry no kind). Returns false when
// the kind is not one Hopscope models.
bool decodeObject(const DocNode& node, std::string_view apiVersion, std::string_view kind, DecodeContext& ctx,
                  DecodeOutput& out);

// Resolves a field path such as `spec.rules[0].http.paths[1].path` inside a document node to the
// position of the deepest node that exists along it.
Mark locateField(const DocNode& root, std::string_view path);

// RFC 3339 timestamp (as Kubernetes writes them) to Unix seconds; nullopt when unparseable.
std::optional<std::int64_t> parseTimestamp(std::string_view text);
std::string formatTimestamp(std::int64_t unixSeconds);

}  // namespace hs::model
