#pragma once
// API JSON → model objects, one item at a time: simdjson's DOM parser (which picks the fastest
// kernel for the CPU at run time) reads the item, it becomes a DocNode without `managedFields`
// (often half of an object's bytes, never needed), and the model's decoder for the kind turns it
// into an immutable object. One ObjectDecoder per thread (it reuses its parser's buffers).

#include "kubeclient/resources.h"
#include "kubeclient/result.h"
#include "kubeclient/status.h"
#include "model/decode.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace simdjson::dom {
class parser;
}

namespace hs::kube {

enum class WatchEventType { Added, Modified, Deleted, Bookmark, Error };

struct WatchEvent {
    WatchEventType type = WatchEventType::Added;
    std::optional<model::AnyObject> object;  // Added / Modified / Deleted
    std::string resourceVersion;  // of the object or bookmark
    bool initialEventsEnd = false;  // BOOKMARK annotated k8s.io/initial-events-end: "true"
    std::optional<ApiStatus> status;  // ERROR
};

class ObjectDecoder {
public:
    ObjectDecoder();
    ~ObjectDecoder();
    ObjectDecoder(const ObjectDecoder&) = delete;
    ObjectDecoder& operator=(const ObjectDecoder&) = delete;

    // Decodes one list item (items carry no kind: it comes from the resource).
    Result<model::AnyObject> decodeItem(std::string_view json, const ApiResource& res);
    // Decodes one watch event.
    Result<WatchEvent> decodeEvent(std::string_view json, const ApiResource& res);
    // Decodes a Secret response keeping only what the model keeps (certificate facts). The
    // certificate's PEM (public) goes to `certificatePem` when given: snapshots write it out.
    Result<model::AnyObject> decodeSecret(std::string_view json, std::string* certificatePem = nullptr);

    // Problems the model's decoders reported (wrongly typed fields); cleared by takeDiagnostics.
    model::Diagnostics takeDiagnostics();

private:
    Result<model::AnyObject> decodeNode(const model::DocNode& node, const ApiResource& res);
    std::unique_ptr<simdjson::dom::parser> parser_;
    model::Diagnostics diags_;
    std::uint32_t order_ = 0;
};

}  // namespace hs::kube
