#include "kubeclient/object_decoder.h"

#include "kubeclient/json_stream.h"
#include "kubeclient/util.h"

#include <simdjson.h>

namespace hs::kube {

namespace {

// Like toDocNode, but drops metadata.managedFields (server-side apply bookkeeping: large, never
// used by routing).
void objectToDoc(const simdjson::dom::element& obj, model::DocNode& out) {
    out.type = model::DocNode::Type::Map;
    simdjson::dom::object o;
    if (obj.get_object().get(o) != simdjson::SUCCESS) {
        toDocNode(obj, out);
        return;
    }
    out.members.reserve(o.size());
    for (auto field : o) {
        out.members.emplace_back(std::string(field.key), model::DocNode{});
        model::DocNode& child = out.members.back().second;
        if (field.key == "metadata" && field.value.is_object()) {
            child.type = model::DocNode::Type::Map;
            simdjson::dom::object meta = field.value.get_object().value_unsafe();
            for (auto mf : meta) {
                if (mf.key == "managedFields") continue;
                child.members.emplace_back(std::string(mf.key), model::DocNode{});
                toDocNode(mf.value, child.members.back().second);
            }
        } else {
            toDocNode(field.value, child);
        }
    }
}

std::string str(simdjson::dom::element e, std::string_view key) {
    std::string_view v;
    if (e[key].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
    return {};
}

}  // namespace

ObjectDecoder::ObjectDecoder() : parser_(std::make_unique<simdjson::dom::parser>()) {}
ObjectDecoder::~ObjectDecoder() = default;

model::Diagnostics ObjectDecoder::takeDiagnostics() {
    model::Diagnostics d;
    d.swap(diags_);
    return d;
}

Result<model::AnyObject> ObjectDecoder::decodeNode(const model::DocNode& node, const ApiResource& res) {
    model::DecodeContext ctx;
    ctx.options.keepSourceText = false;
    ctx.options.defaultNamespace.clear();
    ctx.loadOrder = order_;
    ctx.diags = &diags_;
    model::DecodeOutput out;
    bool known = model::decodeObject(node, res.apiVersion(), res.kind, ctx, out);
    order_ = ctx.loadOrder;
    // A long watch decodes the same odd object again and again: keep the newest problems only.
    if (diags_.size() > 256) diags_.erase(diags_.begin(), diags_.begin() + 128);
    if (!known || out.objects.empty())
        return makeError(ErrorCode::Protocol, "cannot decode " + res.kind + " " + res.apiVersion());
    return std::move(out.objects.front().object);
}

Result<model::AnyObject> ObjectDecoder::decodeItem(std::string_view json, const ApiResource& res) {
    simdjson::dom::element root;
    if (auto err = parser_->parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS)
        return makeError(ErrorCode::Protocol,
                         std::string("unreadable ") + res.kind + ": " + simdjson::error_message(err));
    model::DocNode node;
    objectToDoc(root, node);
    return decodeNode(node, res);
}

Result<WatchEvent> ObjectDecoder::decodeEvent(std::string_view json, const ApiResource& res) {
    simdjson::dom::element root;
    if (auto err = parser_->parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS)
        return makeError(ErrorCode::Protocol, std::string("unreadable watch event: ") + simdjson::error_message(err));
    WatchEvent ev;
    std::string type = str(root, "type");
    simdjson::dom::element obj;
    if (root["object"].get(obj) != simdjson::SUCCESS || !obj.is_object())
        return makeError(ErrorCode::Protocol, "watch event without an object");
    if (type == "ERROR") {
        ev.type = WatchEventType::Error;
        ApiStatus st;
        st.status = str(obj, "status");
        st.message = str(obj, "message");
        st.reason = str(obj, "reason");
        int64_t code = 0;
        if (obj["code"].get_int64().get(code) == simdjson::SUCCESS) st.code = static_cast<int>(code);
        ev.status = std::move(st);
        return ev;
    }
    simdjson::dom::element md;
    // A default dom::element has no document behind it: only touch `md` when the event has
    // metadata (a BOOKMARK without it crashed here; found by fuzz_watch_stream, regression in
    // tests/fuzz/regressions/watch_stream and security.bad_input "bookmark without metadata").
    const bool hasMetadata = obj["metadata"].get(md) == simdjson::SUCCESS;
    if (hasMetadata) ev.resourceVersion = str(md, "resourceVersion");
    if (type == "BOOKMARK") {
        ev.type = WatchEventType::Bookmark;
        std::string_view v;
        if (hasMetadata && md.is_object() &&
            md["annotations"]["k8s.io/initial-events-end"].get_string().get(v) == simdjson::SUCCESS)
            ev.initialEventsEnd = v == "true";
        return ev;
    }
    if (type == "ADDED")
        ev.type = WatchEventType::Added;
    else if (type == "MODIFIED")
        ev.type = WatchEventType::Modified;
    else if (type == "DELETED")
        ev.type = WatchEventType::Deleted;
    else
        return makeError(ErrorCode::Protocol, "unknown watch event type \"" + type + "\"");
    model::DocNode node;
    objectToDoc(obj, node);
    auto o = decodeNode(node, res);
    if (!o) return std::move(o).error();
    ev.object = std::move(*o);
    return ev;
}

Result<model::AnyObject> ObjectDecoder::decodeSecret(std::string_view json, std::string* certificatePem) {
    simdjson::dom::element root;
    if (auto err = parser_->parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS)
        return makeError(ErrorCode::Protocol, std::string("unreadable Secret: ") + simdjson::error_message(err));
    // Build the node by hand from the parts the model keeps, so the private key and any
    // annotation copies of it never enter a Hopscope structure.
    model::DocNode node;
    node.type = model::DocNode::Type::Map;
    auto scalar = [](std::string v) {
        model::DocNode n;
        n.type = model::DocNode::Type::Scalar;
        n.scalarType = model::ScalarType::String;
        n.scalar = std::move(v);
        return n;
    };
    simdjson::dom::element md;
    if (root["metadata"].get(md) == simdjson::SUCCESS && md.is_object()) {
        model::DocNode m;
        m.type = model::DocNode::Type::Map;
        for (const char* k : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            std::string v = str(md, k);
            if (!v.empty()) m.members.emplace_back(k, scalar(v));
        }
        simdjson::dom::element labels;
        if (md["labels"].get(labels) == simdjson::SUCCESS) {
            model::DocNode l;
            toDocNode(labels, l);
            m.members.emplace_back("labels", std::move(l));
        }
        node.members.emplace_back("metadata", std::move(m));
    }
    std::string type = str(root, "type");
    if (!type.empty()) node.members.emplace_back("type", scalar(type));
    simdjson::dom::element data;
    if (root["data"].get(data) == simdjson::SUCCESS && data.is_object()) {
        model::DocNode d;
        d.type = model::DocNode::Type::Map;
        std::string crt = str(data, "tls.crt");
        if (!crt.empty()) {
            if (certificatePem) {
                auto pem = base64Decode(crt);
                if (pem) *certificatePem = std::move(*pem);
            }
            d.members.emplace_back("tls.crt", scalar(crt));
        }
        simdjson::dom::element key;
        if (data["tls.key"].get(key) == simdjson::SUCCESS)
            d.members.emplace_back("tls.key", scalar(""));  // presence only
        node.members.emplace_back("data", std::move(d));
    }
    ApiResource res;
    res.version = "v1";
    res.kind = "Secret";
    res.resource = "secrets";
    res.modelKind = model::Kind::Secret;
    return decodeNode(node, res);
}

}  // namespace hs::kube
